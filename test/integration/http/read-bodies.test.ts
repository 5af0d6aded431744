import type { Server } from 'node:http';
import { buildWorkspace } from '../../support/factories';
import { freePort, rawRequest } from '../../support/raw-http-client';
import { createTestWorld } from '../../support/test-context';
import type { TestWorld } from '../../support/test-context';

// A GET's or HEAD's body means nothing on /api either; writes keep their 400/415 checks.

let world: TestWorld;
let server: Server;
let port: number;

beforeAll(async () => {
  port = await freePort();
  world = await createTestWorld();
  server = await new Promise<Server>((resolve) => {
    const s = world.app.listen(port, '127.0.0.1', () => resolve(s));
  });
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await world.close();
});

describe('/api bodies on reads', () => {
  it('ignores a GET or HEAD body whatever its type, and still refuses bad write bodies', async () => {
    const { adminKey } = await buildWorkspace(world.ctx.db);
    const auth = { Authorization: `Bearer ${adminKey}` };
    for (const [type, body] of [
      [undefined, '{}'],
      ['application/json', '{"kind": '],
      ['text/csv', 'a,b\n1,2'],
    ] as const) {
      const headers = type ? { ...auth, 'Content-Type': type } : auth;
      for (const method of ['GET', 'HEAD']) {
        const res = await rawRequest(port, { method, url: '/api/surveys', headers, body });
        expect([method, type, res.status]).toEqual([method, type, 200]);
      }
    }
    const form = await rawRequest(port, {
      method: 'POST',
      url: '/api/surveys',
      headers: { ...auth, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'kind=nps',
    });
    expect(form.status).toBe(415);
    const broken = await rawRequest(port, {
      method: 'POST',
      url: '/api/surveys',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: '{"kind": ',
    });
    expect(broken.status).toBe(400);
    expect(broken.body.error.code).toBe('invalid_json');
  });
});
