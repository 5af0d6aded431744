import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { isPublicAddress } from '../../../src/platform/ssrf';
import { buildSentInvitation } from '../../support/collector-factories';
import { bearer, buildSurvey, buildWorkspace } from '../../support/factories';
import { createTestWorld } from '../../support/test-context';
import type { TestWorld } from '../../support/test-context';
import { waitFor } from '../../support/wait';

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A local receiver that fails the first `failures` requests with 500, then answers 204. */
async function startReceiver(failures: number) {
  const received: Received[] = [];
  let calls = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      calls += 1;
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.statusCode = calls <= failures ? 500 : 204;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** How a receiver checks a Glas signature (docs/collector.md). */
function verify(secret: string, header: string, body: string): boolean {
  const parts = Object.fromEntries(header.split(',').map((p) => p.split('=') as [string, string]));
  const expected = createHmac('sha256', secret).update(`${parts.t}.${body}`).digest();
  const given = Buffer.from(parts.v1 ?? '', 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

// Retries back off 50 ms apiece here; 15 s leaves room for a loaded machine, as before.
const WEBHOOK_WAIT = (what: string) => ({ timeoutMs: 15_000, intervalMs: 50, what });

describe('webhooks with private URLs allowed (test receiver)', () => {
  let world: TestWorld;
  beforeAll(async () => {
    world = await createTestWorld({
      env: { WEBHOOK_ALLOW_PRIVATE_URLS: 'true', WEBHOOK_BACKOFF_MS: '50', WEBHOOK_ATTEMPTS: '5' },
    });
    world.startWorkers({ relay: true });
  });
  afterAll(async () => {
    await world.close();
  });

  it('signs deliveries, retries a receiver that fails twice, logs attempts and replays', async () => {
    const receiver = await startReceiver(2);
    try {
      const { workspace, adminKey } = await buildWorkspace(world.ctx.db);
      const created = await request(world.app)
        .post('/api/webhooks')
        .set(bearer(adminKey))
        .send({ url: receiver.url, events: ['response.created', 'followup.created'] })
        .expect(201);
      const secret = created.body.secret as string;
      expect(secret).toMatch(/^whsec_/);
      const listed = await request(world.app)
        .get('/api/webhooks')
        .set(bearer(adminKey))
        .expect(200);
      expect(listed.body.data[0]).not.toHaveProperty('secret');
      // At rest the secret is sealed with GLAS_SECRET, never stored as given.
      const stored = await world.ctx.db
        .selectFrom('webhooks')
        .select('secret')
        .where('id', '=', created.body.id)
        .executeTakeFirstOrThrow();
      expect(stored.secret).toMatch(/^v1:/);
      expect(stored.secret).not.toContain(secret.slice(6));

      const survey = await buildSurvey(world.ctx.db, workspace.id, { kind: 'nps' });
      const inv = await buildSentInvitation(world.ctx.db, {
        workspaceId: workspace.id,
        surveyId: survey.id,
      });
      await request(world.app)
        .post(`/s/${inv.token}`)
        .type('form')
        .send({ score: '3', comment: 'Slow <b>reply</b>' })
        .expect(200);

      // response.created fails twice then succeeds; followup.created goes through too.
      const log = await waitFor(async () => {
        const res = await request(world.app)
          .get(`/api/webhooks/${created.body.id}/deliveries`)
          .set(bearer(adminKey))
          .expect(200);
        const data = res.body.data as {
          id: string;
          event: string;
          status: string;
          attempts: number;
        }[];
        return data.length === 2 && data.every((d) => d.status === 'succeeded') ? data : undefined;
      }, WEBHOOK_WAIT('both deliveries to succeed'));
      const responseDelivery = log.find((d) => d.event === 'response.created')!;
      const attempts = log.reduce((n, d) => n + d.attempts, 0);
      expect(attempts).toBe(4);
      expect(receiver.received).toHaveLength(4);
      for (const r of receiver.received) {
        expect(verify(secret, String(r.headers['glas-signature']), r.body)).toBe(true);
        expect(verify('whsec_wrong', String(r.headers['glas-signature']), r.body)).toBe(false);
        expect(verify(secret, String(r.headers['glas-signature']), r.body + ' ')).toBe(false);
      }
      const body = JSON.parse(receiver.received.at(-1)!.body) as { event: string };
      expect(['response.created', 'followup.created']).toContain(body.event);
      const createdBody = receiver.received
        .map(
          (r) => JSON.parse(r.body) as { event: string; data: { score: number; comment: string } },
        )
        .find((b) => b.event === 'response.created')!;
      expect(createdBody.data).toMatchObject({ score: 3, comment: 'Slow <b>reply</b>' });

      const replay = await request(world.app)
        .post(`/api/webhooks/${created.body.id}/deliveries/${responseDelivery.id}/replay`)
        .set(bearer(adminKey))
        .expect(202);
      expect(replay.body).toMatchObject({ status: 'pending', event: 'response.created' });
      await waitFor(
        () => receiver.received.length === 5,
        WEBHOOK_WAIT('the replay to reach the receiver'),
      );
      expect(JSON.parse(receiver.received[4]!.body).id).toBe(replay.body.id);
    } finally {
      await receiver.close();
    }
  });

  it('marks a delivery failed after its last attempt, and other workspaces cannot see it', async () => {
    const receiver = await startReceiver(100);
    try {
      const { workspace, adminKey } = await buildWorkspace(world.ctx.db);
      const other = await buildWorkspace(world.ctx.db);
      const hook = await request(world.app)
        .post('/api/webhooks')
        .set(bearer(adminKey))
        .send({ url: receiver.url, events: ['response.created'] })
        .expect(201);
      const survey = await buildSurvey(world.ctx.db, workspace.id, { kind: 'csat' });
      const inv = await buildSentInvitation(world.ctx.db, {
        workspaceId: workspace.id,
        surveyId: survey.id,
      });
      await request(world.app)
        .post(`/s/${inv.token}`)
        .type('form')
        .send({ score: '5' })
        .expect(200);
      const failed = await waitFor(async () => {
        const res = await request(world.app)
          .get(`/api/webhooks/${hook.body.id}/deliveries`)
          .set(bearer(adminKey));
        const d = res.body.data[0] as { status: string; attempts: number } | undefined;
        return d?.status === 'failed' ? d : undefined;
      }, WEBHOOK_WAIT('the delivery to fail after its last attempt'));
      expect(failed).toMatchObject({ attempts: 5, lastStatusCode: 500 });
      await request(world.app)
        .get(`/api/webhooks/${hook.body.id}/deliveries`)
        .set(bearer(other.adminKey))
        .expect(404);
      await request(world.app)
        .delete(`/api/webhooks/${hook.body.id}`)
        .set(bearer(other.adminKey))
        .expect(404);
      await request(world.app)
        .delete(`/api/webhooks/${hook.body.id}`)
        .set(bearer(adminKey))
        .expect(204);
    } finally {
      await receiver.close();
    }
  });
});

describe('webhook SSRF refusal (default config)', () => {
  let world: TestWorld;
  beforeAll(async () => {
    world = await createTestWorld();
  });
  afterAll(async () => {
    await world.close();
  });

  it.each([
    'https://127.0.0.1/hook',
    'https://10.1.2.3/hook',
    'https://172.16.0.1/hook',
    'https://192.168.1.1/hook',
    'https://169.254.169.254/latest/meta-data',
    'https://[::1]/hook',
    'https://[fd00::1]/hook',
    'https://[::ffff:127.0.0.1]/hook',
    'https://localhost/hook',
    'http://example.com/hook',
  ])('refuses %s with 400 naming url', async (url) => {
    const { adminKey } = await buildWorkspace(world.ctx.db);
    const res = await request(world.app)
      .post('/api/webhooks')
      .set(bearer(adminKey))
      .send({ url, events: ['response.created'] })
      .expect(400);
    expect(res.body.error.details[0].field).toBe('url');
    const list = await request(world.app).get('/api/webhooks').set(bearer(adminKey)).expect(200);
    expect(list.body.data).toHaveLength(0);
  });

  it('refuses bad bodies with 400 naming the field', async () => {
    const { adminKey } = await buildWorkspace(world.ctx.db);
    const res = await request(world.app)
      .post('/api/webhooks')
      .set(bearer(adminKey))
      .send({ url: 'not a url', events: ['nope'], extra: 1 })
      .expect(400);
    const fields = (res.body.error.details as { field: string }[]).map((d) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['url', 'events.0', 'extra']));
  });

  it('classifies addresses', () => {
    expect(isPublicAddress('93.184.216.34')).toBe(true);
    expect(isPublicAddress('2606:2800:220:1:248:1893:25c8:1946')).toBe(true);
    for (const ip of [
      '127.0.0.1',
      '10.0.0.1',
      '100.64.0.1',
      '169.254.1.1',
      '::1',
      'fe80::1',
      '0.0.0.0',
    ]) {
      expect(isPublicAddress(ip)).toBe(false);
    }
  });
});
