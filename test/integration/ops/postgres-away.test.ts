import request from 'supertest';
import { buildWorkspace } from '../../support/factories';
import { buildSentInvitation } from '../../support/collector-factories';
import { startTcpProxy } from '../../support/tcp-proxy';
import type { TcpProxy } from '../../support/tcp-proxy';
import { createTestWorld, TEST_DATABASE_URL } from '../../support/test-context';
import type { TestWorld } from '../../support/test-context';

// Postgres reached through a proxy this file cuts: every surface answers 503 with Retry-After
// in its own shape (our JSON on /api, Delighted's on /v1, a page in the visitor's language on
// the public pages), never a 500, and works again once the line is back.

let world: TestWorld;
let proxy: TcpProxy;

beforeAll(async () => {
  const target = new URL(TEST_DATABASE_URL);
  proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
  const viaProxy = new URL(TEST_DATABASE_URL);
  viaProxy.port = String(proxy.port);
  world = await createTestWorld({
    env: { DATABASE_URL: viaProxy.toString() },
  });
});
afterAll(async () => {
  await world.close();
  await proxy.stop();
});

const basic = (key: string) => ({
  Authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}`,
});

describe('while Postgres is away', () => {
  it('answers 503 on /api, /v1 and the survey page, and recovers when it is back', async () => {
    const { workspace, adminKey } = await buildWorkspace(world.ctx.db);
    const { token } = await buildSentInvitation(world.ctx.db, {
      workspaceId: workspace.id,
      locale: 'hr',
    });
    // Open connections in the pool, so the cut breaks live ones as well as new ones.
    await request(world.app).get('/api/surveys').set('Authorization', `Bearer ${adminKey}`);
    await proxy.cut();
    try {
      const api = await request(world.app)
        .get('/api/surveys')
        .set('Authorization', `Bearer ${adminKey}`);
      expect(api.status).toBe(503);
      expect(api.headers['retry-after']).toBe('30');
      expect(api.body).toEqual({
        error: { code: 'unavailable', message: expect.any(String) },
      });

      const v1 = await request(world.app).get('/v1/people.json').set(basic(adminKey));
      expect(v1.status).toBe(503);
      expect(v1.headers['retry-after']).toBe('30');
      expect(v1.body).toEqual({ status: 503, message: expect.any(String) });

      const post = await request(world.app)
        .post('/v1/people.json')
        .set(basic(adminKey))
        .send({ email: 'ana@example.com' });
      expect(post.status).toBe(503);

      const page = await request(world.app).get(`/s/${token}`).set('Accept-Language', 'hr');
      expect(page.status).toBe(503);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.headers['retry-after']).toBe('30');
      expect(page.text).toContain('Vraćamo se za trenutak');
      expect(page.text).not.toMatch(/at \w+ \(|node_modules/);

      const answer = await request(world.app)
        .post(`/s/${token}`)
        .type('form')
        .set('Accept-Language', 'hr')
        .send({ score: '9' });
      expect(answer.status).toBe(503);
      expect(answer.headers['content-type']).toMatch(/^text\/html/);
    } finally {
      await proxy.restore();
    }
    // The pool drops the broken clients and the same requests succeed again.
    await request(world.app)
      .get('/api/surveys')
      .set('Authorization', `Bearer ${adminKey}`)
      .expect(200);
    await request(world.app).get('/v1/people.json').set(basic(adminKey)).expect(200);
    const back = await request(world.app).get(`/s/${token}`);
    expect(back.status).toBe(200);
  });
});
