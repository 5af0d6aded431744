/* eslint-disable @typescript-eslint/no-explicit-any -- webhook bodies are read as JSON */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { bearer, buildSurvey, buildWorkspace } from '../../support/factories';
import { createTestWorld } from '../../support/test-context';
import type { TestWorld } from '../../support/test-context';
import { waitFor } from '../../support/wait';

let world: TestWorld;
let receiver: http.Server;
let url: string;
const received: { headers: http.IncomingHttpHeaders; body: any }[] = [];

beforeAll(async () => {
  world = await createTestWorld({ env: { WEBHOOK_ALLOW_PRIVATE_URLS: 'true' } });
  world.startWorkers({ relay: true });
  receiver = http.createServer((req, res) => {
    let data = '';
    req.on('data', (c: Buffer) => (data += c.toString()));
    req.on('end', () => {
      received.push({ headers: req.headers, body: JSON.parse(data) });
      res.end('ok');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
});
afterAll(async () => {
  await new Promise((r) => receiver.close(r));
  await world.close();
});

const waitForDeliveries = (n: number) =>
  waitFor(() => received.length >= n, {
    timeoutMs: 15_000,
    what: () => `${n} webhook deliveries, got ${received.length}`,
  });

const basic = (key: string) => ({
  Authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}`,
});

describe('webhooks in Delighted format', () => {
  it('delivers survey_response.created/updated and unsubscribe.created as {event_type, event_id, event_data}', async () => {
    const { workspace, adminKey } = await buildWorkspace(world.ctx.db);
    await buildSurvey(world.ctx.db, workspace.id, { kind: 'nps' });
    const refused = await request(world.app)
      .post('/api/webhooks')
      .set(bearer(adminKey))
      .send({ url, events: ['response.created'], format: 'delighted' });
    expect(refused.status).toBe(400);
    const hook = await request(world.app)
      .post('/api/webhooks')
      .set(bearer(adminKey))
      .send({
        url,
        format: 'delighted',
        events: ['survey_response.created', 'survey_response.updated', 'unsubscribe.created'],
      });
    expect(hook.status).toBe(201);
    expect(hook.body.format).toBe('delighted');

    const person = await request(world.app)
      .post('/v1/people')
      .set(basic(adminKey))
      .send({ email: 'ana@example.com', name: 'Ana', send: false });
    const created = await request(world.app)
      .post('/v1/survey_responses')
      .set(basic(adminKey))
      .send({ person: person.body.id, score: 4 });
    await request(world.app)
      .put(`/v1/survey_responses/${created.body.id}`)
      .set(basic(adminKey))
      .send({ comment: 'Too slow' });
    await request(world.app)
      .post('/v1/unsubscribes')
      .set(basic(adminKey))
      .send({ person_email: 'ana@example.com' });
    await waitForDeliveries(3);

    const byType = Object.fromEntries(received.map((r) => [r.body.event_type, r]));
    expect(Object.keys(byType).sort()).toEqual([
      'survey_response.created',
      'survey_response.updated',
      'unsubscribe.created',
    ]);
    expect(byType['survey_response.created']!.body).toEqual({
      event_type: 'survey_response.created',
      event_id: expect.any(String),
      event_data: expect.objectContaining({
        id: created.body.id,
        score: 4,
        comment: null,
        survey_type: 'nps',
        person: expect.objectContaining({
          id: person.body.id,
          email: 'ana@example.com',
          name: 'Ana',
        }),
      }),
    });
    expect(byType['survey_response.updated']!.body.event_data).toMatchObject({
      comment: 'Too slow',
    });
    expect(byType['unsubscribe.created']!.body.event_data.person).toMatchObject({
      email: 'ana@example.com',
    });
    expect(byType['survey_response.created']!.headers['glas-signature']).toMatch(/^t=\d+,v1=/);
    expect(new Set(received.map((r) => r.body.event_id)).size).toBe(3);
  });
});
