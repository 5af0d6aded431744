import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import https from 'node:https';
import request from 'supertest';
import { loadConfig } from '../../../src/config';
import { createContext } from '../../../src/context';
import { createLogger } from '../../../src/logger';
import { startRoles } from '../../../src/roles';
import { buildApiKey, buildSurvey, buildWorkspace } from '../../support/factories';
import { createTestWorld, TEST_DATABASE_URL } from '../../support/test-context';
import type { TestWorld } from '../../support/test-context';

let world: TestWorld;

beforeAll(async () => {
  world = await createTestWorld({ env: { RATE_LIMIT_V1_PER_MINUTE: '40' } });
});
afterAll(async () => {
  await world.close();
});

const basic = (key: string, colon = true) => ({
  Authorization: `Basic ${Buffer.from(colon ? `${key}:` : key).toString('base64')}`,
});

async function account() {
  const { workspace, adminKey } = await buildWorkspace(world.ctx.db);
  const survey = await buildSurvey(world.ctx.db, workspace.id, { kind: 'nps' });
  return { workspace, survey, key: adminKey };
}

describe('/v1 as the PHP, Python and Ruby clients call it', () => {
  it('accepts form-encoded bodies with properties[x]=y and "false" (PHP), Basic without colon (Python)', async () => {
    const { key } = await account();
    const res = await request(world.app)
      .post('/v1/people.json')
      .set(basic(key, false))
      .type('form')
      .send(
        'email=ana%40example.com&name=Ana&send=false&properties%5Bplan%5D=pro&properties%5Bseats%5D=3',
      );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      email: 'ana@example.com',
      name: 'Ana',
      survey_scheduled_at: null,
      properties: { plan: 'pro', seats: '3' },
    });
    const contact = await world.ctx.db
      .selectFrom('contacts')
      .selectAll()
      .where('id', '=', res.body.id)
      .executeTakeFirstOrThrow();
    expect(contact.properties).toEqual({ plan: 'pro', seats: '3' });
  });

  it('reads expand[]=person and expand=person, with and without .json', async () => {
    const { key } = await account();
    const person = await request(world.app)
      .post('/v1/people')
      .set(basic(key))
      .send({ email: 'ben@example.com', send: false });
    const created = await request(world.app)
      .post('/v1/survey_responses')
      .set(basic(key))
      .type('form')
      .send(`person=${person.body.id}&score=9&comment=Great`);
    expect(created.status).toBe(201);
    for (const url of [
      '/v1/survey_responses.json?expand%5B%5D=person',
      '/v1/survey_responses?expand=person',
      `/v1/survey_responses/${created.body.id}.json?expand[]=person`,
    ]) {
      const res = await request(world.app).get(url).set(basic(key));
      expect(res.status).toBe(200);
      const body = Array.isArray(res.body) ? res.body[0] : res.body;
      expect(body.person).toMatchObject({ id: person.body.id, email: 'ben@example.com' });
    }
    const plain = await request(world.app).get('/v1/survey_responses').set(basic(key));
    expect(plain.body[0].person).toBe(person.body.id);
  });

  it('sends an absolute Link with PUBLIC_URL for the next page of people, none on the last', async () => {
    const { key } = await account();
    for (const email of ['a@x.io', 'b@x.io', 'c@x.io']) {
      await request(world.app).post('/v1/people').set(basic(key)).send({ email, send: 'false' });
    }
    const first = await request(world.app).get('/v1/people.json?per_page=2').set(basic(key));
    expect(first.body.map((p: { email: string }) => p.email)).toEqual(['a@x.io', 'b@x.io']);
    const link = /^<(http:\/\/glas\.test\/v1\/people\.json\?[^>]+)>; rel="next"$/.exec(
      first.headers.link ?? '',
    );
    expect(link).not.toBeNull();
    const next = new URL(link![1]!);
    const second = await request(world.app).get(`${next.pathname}${next.search}`).set(basic(key));
    expect(second.body.map((p: { email: string }) => p.email)).toEqual(['c@x.io']);
    expect(second.headers.link).toBeUndefined();
  });

  it('answers validation errors with 422 naming each field, and never a 204', async () => {
    const { key } = await account();
    const res = await request(world.app)
      .post('/v1/people')
      .set(basic(key))
      .send({ email: 'not-an-email', delay: 'soon' });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ status: 422, message: 'Unprocessable Entity' });
    expect(Object.keys(res.body.errors).sort()).toEqual(['delay', 'email']);
    const blank = await request(world.app).post('/v1/people').set(basic(key)).send({});
    expect(blank.status).toBe(422);
    expect(blank.body.errors.email).toEqual([expect.stringContaining("can't be blank")]);
    const score = await request(world.app)
      .post('/v1/survey_responses')
      .set(basic(key))
      .send({ person: 'nobody', score: 11 });
    expect(score.status).toBe(422);
    expect(score.body.errors.score).toBeDefined();
  });

  it('refuses bad keys with 401 JSON, non-JSON Accept with 406, other roles with 403', async () => {
    const { key, workspace } = await account();
    const bad = await request(world.app).get('/v1/people').set(basic('glas_nope_nope_nope_nope'));
    expect(bad.status).toBe(401);
    expect(bad.body).toMatchObject({ status: 401 });
    const none = await request(world.app).get('/v1/metrics');
    expect(none.status).toBe(401);
    const html = await request(world.app)
      .get('/v1/people')
      .set(basic(key))
      .set('Accept', 'text/html');
    expect(html.status).toBe(406);
    const executive = await buildApiKey(world.ctx.db, workspace.id, 'executive');
    const forbidden = await request(world.app).get('/v1/people').set(basic(executive));
    expect(forbidden.status).toBe(403);
    expect(forbidden.body).toMatchObject({ status: 403 });
    const suffixed = await request(world.app)
      .get('/v1/people.json')
      .set(basic(key))
      .set('Accept', 'text/html');
    expect(suffixed.status).toBe(200);
  });

  it("hides another workspace's person and response behind 404", async () => {
    const mine = await account();
    const theirs = await account();
    const person = await request(world.app)
      .post('/v1/people')
      .set(basic(theirs.key))
      .send({ email: 'secret@example.com', send: false });
    const response = await request(world.app)
      .post('/v1/survey_responses')
      .set(basic(theirs.key))
      .send({ person: person.body.id, score: 2 });
    expect(response.status).toBe(201);
    const get = await request(world.app)
      .get(`/v1/survey_responses/${response.body.id}`)
      .set(basic(mine.key));
    expect(get.status).toBe(404);
    expect(get.body).toMatchObject({ status: 404 });
    const put = await request(world.app)
      .put(`/v1/survey_responses/${response.body.id}`)
      .set(basic(mine.key))
      .send({ score: 10 });
    expect(put.status).toBe(404);
    const del = await request(world.app)
      .delete(`/v1/people/${person.body.id}`)
      .set(basic(mine.key));
    expect(del.status).toBe(404);
    const byEmail = await request(world.app)
      .delete('/v1/people/email%3Asecret%40example.com')
      .set(basic(mine.key));
    expect(byEmail.status).toBe(404);
    const listed = await request(world.app).get('/v1/survey_responses').set(basic(mine.key));
    expect(listed.body).toEqual([]);
    const still = await world.ctx.db
      .selectFrom('responses')
      .select('score')
      .where('id', '=', response.body.id)
      .executeTakeFirstOrThrow();
    expect(still.score).toBe(2);
  });

  it('updates a response with PUT, also on the collection path with the id in the body (Node save)', async () => {
    const { key } = await account();
    const person = await request(world.app)
      .post('/v1/people')
      .set(basic(key))
      .send({ email: 'cy@example.com', send: false });
    const created = await request(world.app)
      .post('/v1/survey_responses')
      .set(basic(key))
      .send({ person: person.body.id, score: 5 });
    const put = await request(world.app)
      .put(`/v1/survey_responses/${created.body.id}.json`)
      .set(basic(key))
      .send({ person: person.body.id, score: 7, comment: 'Better now' });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ score: 7, comment: 'Better now' });
    const save = await request(world.app)
      .put('/v1/survey_responses')
      .set(basic(key))
      .send({ id: created.body.id, score: 9 });
    expect(save.body).toMatchObject({ score: 9, comment: 'Better now' });
    const updated = await request(world.app)
      .get(`/v1/survey_responses?order=asc:updated_at&updated_since=${put.body.created_at}`)
      .set(basic(key));
    expect(updated.body.map((r: { score: number }) => r.score)).toEqual([9]);
  });

  it('never answers hostile or oversized input with a 500', async () => {
    const { key } = await account();
    const cases: [string, string, unknown, string?][] = [
      ['post', '/v1/people', '{"email": ', 'application/json'],
      ['post', '/v1/people', 'email[$ne]=1&properties=zz', 'application/x-www-form-urlencoded'],
      ['post', '/v1/people', { email: 'a@b.co', properties: { ['x'.repeat(500)]: 1 } }],
      ['post', '/v1/people', { email: 'a@b.co', properties: { k: { nested: true } } }],
      ['post', '/v1/people', { email: 'a\u0000@b.co' }],
      ['post', '/v1/people', [1, 2, 3]],
      ['post', '/v1/people', 'x'.repeat(2_000_000), 'application/json'],
      ['post', '/v1/survey_responses', { person: "1' or 1=1 --", score: '9' }],
      ['get', '/v1/people?page_info=%00%FF&per_page=-1', undefined],
      ['get', '/v1/people?per_page=100000000000000000000', undefined],
      ['get', '/v1/survey_responses?order=drop&trend=x&since=yesterday', undefined],
      ['get', '/v1/survey_responses/..%2F..%2Fetc', undefined],
      ['get', '/v1/metrics?since=99999999999999&until=1', undefined],
      ['delete', '/v1/people/email%3A', undefined],
      ['post', '/v1/autopilot/fax/memberships', { person_email: 'a@b.co' }],
      ['post', '/v1/people', 'email=a@b.co', 'text/plain'],
    ];
    for (const [method, url, body, type] of cases) {
      const agent = request(world.app) as unknown as Record<string, (u: string) => request.Test>;
      let req = agent[method]!(url).set(basic(key));
      if (type) {
        req = req.set('Content-Type', type);
      }
      const res = body === undefined ? await req : await req.send(body as object | string);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.body.status).toBe(res.status);
    }
  });

  it('says 429 with a numeric Retry-After once the /v1 limit is spent', async () => {
    const { key } = await account();
    let res = await request(world.app).get('/v1/metrics').set(basic(key));
    for (let i = 0; i < 60 && res.status !== 429; i++) {
      res = await request(world.app).get('/v1/metrics').set(basic(key));
    }
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toMatch(/^\d+$/);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(res.body).toEqual({ status: 429, message: 'Too Many Requests' });
  });
});

describe('HTTPS', () => {
  it('serves the /v1 API over TLS when TLS_CERT_FILE and TLS_KEY_FILE are set', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'glas-tls-'));
    const cert = path.join(dir, 'cert.pem');
    const key = path.join(dir, 'key.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        key,
        '-out',
        cert,
      ],
      { stdio: 'ignore' },
    );
    const config = loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: TEST_DATABASE_URL,
      REDIS_URL: world.ctx.config.REDIS_URL,
      REDIS_PREFIX: `${world.ctx.config.REDIS_PREFIX}-tls`,
      GLAS_ROLES: 'api',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'silent',
      TLS_CERT_FILE: cert,
      TLS_KEY_FILE: key,
    });
    const ctx = createContext(config, { dbSchema: world.schema, logger: createLogger('silent') });
    const roles = await startRoles(ctx);
    try {
      expect(roles.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const { key: apiKey } = await account();
      const { status, body } = await new Promise<{ status: number; body: string }>(
        (resolve, reject) => {
          https
            .get(
              `${roles.url}/v1/people.json`,
              { ca: readFileSync(cert), headers: basic(apiKey) },
              (res) => {
                let data = '';
                res.on('data', (c: Buffer) => (data += c.toString()));
                res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data }));
              },
            )
            .on('error', reject);
        },
      );
      expect(status).toBe(200);
      expect(JSON.parse(body)).toEqual([]);
    } finally {
      await roles.stop();
    }
  });
});
