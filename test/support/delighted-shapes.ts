import type { Server } from 'node:http';
import { buildSurvey, buildWorkspace } from './factories';
import { freePort, nextLink, rawRequest } from './raw-http-client';
import type { RawRequest } from './raw-http-client';
import { createTestWorld } from './test-context';
import type { TestWorld } from './test-context';

// Shared by the per-client shape tests (test/integration/delighted/shapes-*.test.ts): a Glas
// listening on a real port whose PUBLIC_URL is that port, so `Link` URLs can be followed.

export const b64 = (s: string) => Buffer.from(s).toString('base64');
export const JSON_TYPE = { 'Content-Type': 'application/json' };
export const FORM_TYPE = { 'Content-Type': 'application/x-www-form-urlencoded' };

/** What Ruby's and PHP's save() send: the attributes without `id` (it is in the path). */
export function withoutId(attributes: Record<string, unknown>) {
  return Object.fromEntries(Object.entries(attributes).filter(([k]) => k !== 'id'));
}

/** Registers the file's beforeAll/afterAll and returns helpers bound to its server. */
export function useShapeWorld() {
  let world: TestWorld;
  let server: Server;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    world = await createTestWorld({ env: { PUBLIC_URL: `http://127.0.0.1:${port}` } });
    server = await new Promise<Server>((resolve) => {
      const s = world.app.listen(port, '127.0.0.1', () => resolve(s));
    });
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await world.close();
  });

  const send = (req: RawRequest) => rawRequest(port, req);

  /** A workspace with an NPS survey; returns its admin key. */
  async function account() {
    const { workspace, adminKey } = await buildWorkspace(world.ctx.db);
    await buildSurvey(world.ctx.db, workspace.id, { kind: 'nps' });
    return adminKey;
  }

  /** A person and one response, made the way any client would (JSON POSTs). */
  async function seed(key: string, email = 'ben@example.com') {
    const auth = { Authorization: `Basic ${b64(`${key}:`)}`, ...JSON_TYPE };
    const person = await send({
      method: 'POST',
      url: '/v1/people',
      headers: auth,
      body: JSON.stringify({ email, name: 'Ben', send: false, properties: { plan: 'pro' } }),
    });
    const response = await send({
      method: 'POST',
      url: '/v1/survey_responses',
      headers: auth,
      body: JSON.stringify({ person: person.body.id, score: 6, comment: 'Slow' }),
    });
    expect([person.status, response.status]).toEqual([201, 201]);
    return { personId: person.body.id as string, responseId: response.body.id as string };
  }

  async function seedPeople(key: string, n: number) {
    for (let i = 0; i < n; i++) {
      await send({
        method: 'POST',
        url: '/v1/people',
        headers: { Authorization: `Basic ${b64(`${key}:`)}`, ...JSON_TYPE },
        body: JSON.stringify({ email: `p${i}@example.com`, send: false }),
      });
    }
  }

  /** Follows `Link: rel="next"` from `first` with `follow`, collecting each page's emails. */
  async function walk(first: RawRequest, follow: (url: string) => RawRequest) {
    const emails: string[] = [];
    let res = await send(first);
    for (;;) {
      expect(res.status).toBe(200);
      emails.push(...res.body.map((p: { email: string }) => p.email));
      const next = nextLink(res);
      if (!next) {
        return emails;
      }
      expect(next).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/v1/people\\.json\\?`));
      res = await send(follow(next));
    }
  }

  return { send, account, seed, seedPeople, walk, db: () => world.ctx.db };
}
