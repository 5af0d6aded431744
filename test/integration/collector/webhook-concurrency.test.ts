import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { buildSentInvitation } from '../../support/collector-factories';
import { bearer, buildSurvey, buildWorkspace } from '../../support/factories';
import { createTestWorld } from '../../support/test-context';
import type { TestWorld } from '../../support/test-context';
import { waitFor } from '../../support/wait';

// A receiver that holds its request open must not hold back other workspaces' webhooks.
let world: TestWorld;
beforeAll(async () => {
  world = await createTestWorld({
    env: { WEBHOOK_ALLOW_PRIVATE_URLS: 'true', WEBHOOK_TIMEOUT_MS: '60000' },
  });
  world.startWorkers({ relay: true });
});
afterAll(async () => {
  await world.close();
});

const WAIT = (what: string) => ({ timeoutMs: 15_000, intervalMs: 50, what });

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
}

async function answeredBy(url: string): Promise<void> {
  const { workspace, adminKey } = await buildWorkspace(world.ctx.db);
  await request(world.app)
    .post('/api/webhooks')
    .set(bearer(adminKey))
    .send({ url, events: ['response.created'] })
    .expect(201);
  const survey = await buildSurvey(world.ctx.db, workspace.id, { kind: 'nps' });
  const inv = await buildSentInvitation(world.ctx.db, {
    workspaceId: workspace.id,
    surveyId: survey.id,
  });
  await request(world.app).post(`/s/${inv.token}`).type('form').send({ score: '9' }).expect(200);
}

describe('webhook deliveries', () => {
  it('reach a working receiver while another one holds its request open', async () => {
    const held: http.ServerResponse[] = [];
    const slow = http.createServer((_req, res) => held.push(res));
    let fastCalls = 0;
    const fast = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        fastCalls += 1;
        res.statusCode = 204;
        res.end();
      });
    });
    try {
      await answeredBy(await listen(slow));
      await waitFor(() => held.length === 1, WAIT('the slow receiver to be called'));

      await answeredBy(await listen(fast));
      await waitFor(() => fastCalls === 1, WAIT('the fast receiver, while the slow one waits'));
      expect(held).toHaveLength(1);
      expect(held[0]!.writableEnded).toBe(false);
    } finally {
      for (const res of held) {
        res.statusCode = 204;
        res.end();
      }
      slow.closeAllConnections();
      await new Promise((resolve) => slow.close(resolve));
      await new Promise((resolve) => fast.close(resolve));
    }
  });
});
