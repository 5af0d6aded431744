import type { Server } from 'node:http';
import { buildSurvey, buildWorkspace } from '../../support/factories';
import { freePort, nextLink, rawRequest, rubyPackM } from '../../support/raw-http-client';
import type { RawRequest } from '../../support/raw-http-client';
import { createTestWorld } from '../../support/test-context';
import type { TestWorld } from '../../support/test-context';

// One test per request shape each official Delighted client sends, written byte for byte from
// the clients' source: delighted-ruby 2.1.0rc1 (lib/delighted/client.rb, http_adapter.rb,
// utils.rb), delighted-python 4.2.0 (client.py, resource.py, util.py), delighted-php 4.2.0
// (Client.php over Guzzle) and delighted-node 2.2.0 (lib/Client.js, Resource.js).

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
const b64 = (s: string) => Buffer.from(s).toString('base64');
const JSON_TYPE = { 'Content-Type': 'application/json' };
const FORM_TYPE = { 'Content-Type': 'application/x-www-form-urlencoded' };

/** What Ruby's and PHP's save() send: the attributes without `id` (it is in the path). */
function withoutId(attributes: Record<string, unknown>) {
  return Object.fromEntries(Object.entries(attributes).filter(([k]) => k !== 'id'));
}

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

/** Follows `Link: rel="next"` from `first` with `follow`, collecting the emails of each page. */
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

describe('Ruby (delighted gem 2.1.0rc1, Net::HTTP)', () => {
  const headers = (key: string) => ({
    // client.rb: "Basic #{["#{@api_key}:"].pack('m').chomp}"
    Authorization: `Basic ${rubyPackM(`${key}:`)}`,
    'User-Agent': 'Delighted RubyGem 2.1.0rc1',
    Accept: 'application/json',
    'Accept-Encoding': 'gzip;q=1.0,deflate;q=0.6,identity;q=0.3',
  });

  it('Authorization from pack("m"): one line for every key Glas makes', async () => {
    const key = await account();
    expect(rubyPackM(`${key}:`)).not.toContain('\n');
    const res = await send({ method: 'GET', url: '/v1/people', headers: headers(key) });
    expect(res.status).toBe(200);
    expect(res.body).toEqual([]);
  });

  it('GET without a body, lists as CGI-escaped expand%5B%5D=person (Utils.to_query)', async () => {
    const key = await account();
    const { personId, responseId } = await seed(key);
    const list = await send({
      method: 'GET',
      url: '/v1/survey_responses?per_page=5&expand%5B%5D=person',
      headers: headers(key),
    });
    expect(list.status).toBe(200);
    expect(list.body[0].person).toMatchObject({ id: personId, email: 'ben@example.com' });
    const one = await send({
      method: 'GET',
      url: `/v1/survey_responses/${responseId}?expand%5B%5D=person`,
      headers: headers(key),
    });
    expect(one.body).toMatchObject({ id: responseId, person: { id: personId } });
    const config = await send({ method: 'GET', url: '/v1/autopilot/email', headers: headers(key) });
    expect(config.body).toMatchObject({ platform_id: 'email' });
  });

  it('POST with a JSON body, times as Unix seconds (Utils.serialize_values)', async () => {
    const key = await account();
    const person = await send({
      method: 'POST',
      url: '/v1/people',
      headers: { ...headers(key), ...JSON_TYPE },
      body: JSON.stringify({ email: 'ana@example.com', name: 'Ana', send: false }),
    });
    expect(person.status).toBe(201);
    const t = Math.floor(Date.now() / 1000) - 3600;
    const response = await send({
      method: 'POST',
      url: '/v1/survey_responses',
      headers: { ...headers(key), ...JSON_TYPE },
      body: JSON.stringify({ person: person.body.id, score: 9, created_at: t }),
    });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ score: 9, created_at: t });
  });

  it('save: PUT /survey_responses/:id with every attribute, the person as its id and expand', async () => {
    const key = await account();
    const { responseId } = await seed(key);
    const got = await send({
      method: 'GET',
      url: `/v1/survey_responses/${responseId}?expand%5B%5D=person`,
      headers: headers(key),
    });
    // Operations::Update#save: to_hash without :id, the expanded person back to its id.
    const body = {
      ...withoutId(got.body),
      person: got.body.person.id,
      score: 8,
      expand: ['person'],
    };
    const res = await send({
      method: 'PUT',
      url: `/v1/survey_responses/${responseId}`,
      headers: { ...headers(key), ...JSON_TYPE },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: responseId, score: 8, comment: 'Slow' });
    expect(res.body.person).toMatchObject({ email: 'ben@example.com' });
  });

  it('DELETE with a JSON Content-Type and no body: a person by email:…, pending requests', async () => {
    const key = await account();
    await seed(key, 'ana@example.com');
    const pending = await send({
      method: 'DELETE',
      url: '/v1/people/ana%40example.com/survey_requests/pending',
      headers: { ...headers(key), ...JSON_TYPE },
    });
    expect(pending.status).toBe(200);
    expect(pending.body).toEqual({ ok: true });
    const res = await send({
      method: 'DELETE',
      url: '/v1/people/email%3Aana%40example.com',
      headers: { ...headers(key), ...JSON_TYPE },
    });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ ok: true });
  });

  it('DELETE /autopilot/email/memberships with the person in a JSON body', async () => {
    const key = await account();
    const created = await send({
      method: 'POST',
      url: '/v1/autopilot/email/memberships',
      headers: { ...headers(key), ...JSON_TYPE },
      body: JSON.stringify({ person_email: 'ana@example.com', properties: { plan: 'pro' } }),
    });
    expect(created.status).toBe(201);
    const res = await send({
      method: 'DELETE',
      url: '/v1/autopilot/email/memberships',
      headers: { ...headers(key), ...JSON_TYPE },
      body: JSON.stringify({ person_email: 'ana@example.com' }),
    });
    expect(res.status).toBe(202);
    expect(res.body.person).toMatchObject({ email: 'ana@example.com' });
  });

  it('auto_paging_each: GET the absolute Link URL as given', async () => {
    const key = await account();
    await seedPeople(key, 3);
    const emails = await walk(
      { method: 'GET', url: '/v1/people?per_page=2', headers: headers(key) },
      (url) => ({ method: 'GET', url, headers: headers(key) }),
    );
    expect(emails).toEqual(['p0@example.com', 'p1@example.com', 'p2@example.com']);
  });
});

describe('Python (delighted 4.2.0, requests)', () => {
  const headers = (key: string) => ({
    Accept: 'application/json',
    // client.py: b64encode(b(self.api_key)), no colon
    Authorization: `Basic ${b64(key)}`,
    'User-Agent': 'Delighted Python 4.2.0',
    'Accept-Encoding': 'gzip, deflate',
    Connection: 'keep-alive',
  });

  it('GET without parameters sends json.dumps({}) as the body and no Content-Type', async () => {
    const key = await account();
    await seed(key);
    for (const url of ['/v1/people', '/v1/metrics', '/v1/survey_responses', '/v1/bounces']) {
      const res = await send({ method: 'GET', url, headers: headers(key), body: '{}' });
      expect([url, res.status]).toEqual([url, 200]);
    }
  });

  it('GET `{}` with Content-Type: application/json (the headers dict shared after a write)', async () => {
    const key = await account();
    await seed(key);
    const res = await send({
      method: 'GET',
      url: '/v1/survey_responses',
      headers: { ...headers(key), ...JSON_TYPE },
      body: '{}',
    });
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(1);
  });

  it('GET with parameters: a query (util.encode: expand[]=person) and no body', async () => {
    const key = await account();
    const { personId } = await seed(key);
    const res = await send({
      method: 'GET',
      url: '/v1/survey_responses?person_email=ben%40example.com&expand%5B%5D=person',
      headers: headers(key),
    });
    expect(res.status).toBe(200);
    expect(res.body[0].person).toMatchObject({ id: personId });
  });

  it('POST with a JSON body', async () => {
    const key = await account();
    const res = await send({
      method: 'POST',
      url: '/v1/people',
      headers: { ...headers(key), ...JSON_TYPE },
      body: JSON.stringify({ email: 'ana@example.com', send: false, properties: { plan: 'pro' } }),
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ email: 'ana@example.com', properties: { plan: 'pro' } });
  });

  it('save: PUT /survey_responses/:id with the whole dict, the person nested as an object', async () => {
    const key = await account();
    const { responseId, personId } = await seed(key);
    const got = await send({
      method: 'GET',
      url: `/v1/survey_responses/${responseId}?expand%5B%5D=person`,
      headers: headers(key),
    });
    // UpdateableResource.save: dict(self), id included; its expand goes nowhere (a bug).
    const res = await send({
      method: 'PUT',
      url: `/v1/survey_responses/${responseId}`,
      headers: { ...headers(key), ...JSON_TYPE },
      body: JSON.stringify({ ...got.body, comment: 'Fixed now' }),
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: responseId, person: personId, comment: 'Fixed now' });
  });

  it('DELETE with a `{}` JSON body: people/email%3A…, people/…/survey_requests/pending', async () => {
    const key = await account();
    await seed(key, 'ana@example.com');
    const pending = await send({
      method: 'DELETE',
      url: '/v1/people/ana%40example.com/survey_requests/pending',
      headers: { ...headers(key), ...JSON_TYPE },
      body: '{}',
    });
    expect(pending.status).toBe(200);
    const res = await send({
      method: 'DELETE',
      url: '/v1/people/email%3Aana%40example.com',
      headers: { ...headers(key), ...JSON_TYPE },
      body: '{}',
    });
    expect(res.status).toBe(202);
  });

  it('DELETE /autopilot/email/memberships with the person in a JSON body', async () => {
    const key = await account();
    await send({
      method: 'POST',
      url: '/v1/autopilot/email/memberships',
      headers: { ...headers(key), ...JSON_TYPE },
      body: JSON.stringify({ person_email: 'ana@example.com' }),
    });
    const res = await send({
      method: 'DELETE',
      url: '/v1/autopilot/email/memberships',
      headers: { ...headers(key), ...JSON_TYPE },
      body: JSON.stringify({ person_email: 'ana@example.com' }),
    });
    expect(res.status).toBe(202);
  });

  it('auto_paging_iter: GET the Link URL with a `{}` body (full_url, params={})', async () => {
    const key = await account();
    await seedPeople(key, 3);
    const emails = await walk(
      { method: 'GET', url: '/v1/people?per_page=2', headers: headers(key) },
      (url) => ({ method: 'GET', url, headers: headers(key), body: '{}' }),
    );
    expect(emails).toEqual(['p0@example.com', 'p1@example.com', 'p2@example.com']);
  });
});

describe('PHP (delighted/delighted 4.2.0, Guzzle)', () => {
  const headers = (key: string) => ({
    'User-Agent': 'Delighted PHP API Client 4.2.0',
    Accept: 'application/json',
    // Guzzle auth [key, '', 'Basic']
    Authorization: `Basic ${b64(`${key}:`)}`,
  });

  it('GET with http_build_query rewritten Ruby-style and raw-decoded (expand[]=, a bare @)', async () => {
    const key = await account();
    const { personId } = await seed(key);
    const res = await send({
      method: 'GET',
      url: '/v1/survey_responses?expand%5B%5D=person&person_email=ben@example.com&order=desc',
      headers: headers(key),
    });
    expect(res.status).toBe(200);
    expect(res.body[0].person).toMatchObject({ id: personId });
  });

  it('GET people by phone or email: rawurldecode leaves "+" bare, which reads as a space', async () => {
    const key = await account();
    await send({
      method: 'POST',
      url: '/v1/people',
      headers: { ...headers(key), ...FORM_TYPE },
      body: 'email=ana%2Beu%40example.com&phone_number=%2B385911234567&send=false',
    });
    for (const query of ['phone_number=+385911234567', 'email=ana+eu@example.com']) {
      const res = await send({ method: 'GET', url: `/v1/people?${query}`, headers: headers(key) });
      expect(res.status).toBe(200);
      expect(res.body.map((p: { email: string }) => p.email)).toEqual(['ana+eu@example.com']);
    }
  });

  it('POST form-encoded (form_params): properties[plan]=pro, booleans as "false"', async () => {
    const key = await account();
    const person = await send({
      method: 'POST',
      url: '/v1/people',
      headers: { ...headers(key), ...FORM_TYPE },
      body: 'email=ana%40example.com&send=false&properties%5Bplan%5D=pro',
    });
    expect(person.status).toBe(201);
    expect(person.body).toMatchObject({ survey_scheduled_at: null, properties: { plan: 'pro' } });
    const response = await send({
      method: 'POST',
      url: '/v1/survey_responses',
      headers: { ...headers(key), ...FORM_TYPE },
      body: `person=${person.body.id}&score=9&person_properties%5Bregion%5D=eu`,
    });
    expect(response.status).toBe(201);
    expect(response.body.person_properties).toMatchObject({ region: 'eu' });
  });

  it('save: PUT JSON from json_encode: empty maps as [], slashes escaped, person as object', async () => {
    const key = await account();
    const { responseId, personId } = await seed(key);
    // A response whose person_properties is empty: PHP decodes {} to an array, encodes [].
    await world.ctx.db
      .updateTable('responses')
      .set({ segment: '{}' })
      .where('id', '=', responseId)
      .execute();
    const got = await send({
      method: 'GET',
      url: `/v1/survey_responses/${responseId}?expand%5B%5D=person`,
      headers: headers(key),
    });
    const data = withoutId(got.body);
    const encoded = JSON.stringify({ ...data, person_properties: [], score: 10 }, (_k, v) =>
      v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0
        ? []
        : v,
    ).replace(/\//g, '\\/');
    expect(encoded).toContain('"person_properties":[]');
    const res = await send({
      method: 'PUT',
      url: `/v1/survey_responses/${encodeURIComponent(responseId)}`,
      headers: { ...headers(key), ...JSON_TYPE },
      body: encoded,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: responseId, person: personId, score: 10 });
  });

  it('DELETE with form_params and no fields: a form Content-Type and an empty body', async () => {
    const key = await account();
    await seed(key, 'ana@example.com');
    const pending = await send({
      method: 'DELETE',
      url: '/v1/people/ana%40example.com/survey_requests/pending',
      headers: { ...headers(key), ...FORM_TYPE },
      body: '',
    });
    expect(pending.status).toBe(200);
    const res = await send({
      method: 'DELETE',
      url: '/v1/people/email%3Aana%40example.com',
      headers: { ...headers(key), ...FORM_TYPE },
      body: '',
    });
    expect(res.status).toBe(202);
  });

  it('DELETE /autopilot/email/memberships and POST /unsubscribes with form bodies', async () => {
    const key = await account();
    await send({
      method: 'POST',
      url: '/v1/autopilot/email/memberships',
      headers: { ...headers(key), ...FORM_TYPE },
      body: 'person_email=ana%40example.com&properties%5Bplan%5D=pro',
    });
    const res = await send({
      method: 'DELETE',
      url: '/v1/autopilot/email/memberships',
      headers: { ...headers(key), ...FORM_TYPE },
      body: 'person_email=ana%40example.com',
    });
    expect(res.status).toBe(202);
    const unsubscribed = await send({
      method: 'POST',
      url: '/v1/unsubscribes',
      headers: { ...headers(key), ...FORM_TYPE },
      body: 'person_email=ana%40example.com',
    });
    expect(unsubscribed.body).toEqual({ ok: true, person_email: 'ana@example.com' });
  });

  it('autoPagingIterator: GET the absolute Link URL without a body', async () => {
    const key = await account();
    await seedPeople(key, 3);
    const emails = await walk(
      { method: 'GET', url: '/v1/people?per_page=2', headers: headers(key) },
      (url) => ({ method: 'GET', url, headers: headers(key) }),
    );
    expect(emails).toEqual(['p0@example.com', 'p1@example.com', 'p2@example.com']);
  });
});

describe('Node (delighted 2.2.0, node:http)', () => {
  const headers = (key: string) => ({
    // Delighted.js DEFAULT_HEADERS: both on every request, GET and DELETE included.
    Accept: 'application/json',
    'Content-Type': 'application/json',
    Authorization: `Basic ${b64(`${key}:`)}`,
    'User-Agent': 'Delighted Node Client 2.2.0',
  });

  it('GET with a JSON Content-Type and no body; lists as repeated keys (querystring)', async () => {
    const key = await account();
    const { personId } = await seed(key);
    const res = await send({
      method: 'GET',
      url: '/v1/survey_responses?expand=person&expand=notes',
      headers: headers(key),
    });
    expect(res.status).toBe(200);
    expect(res.body[0]).toMatchObject({ person: { id: personId }, notes: [] });
  });

  it('person.retrieve: GET /people/:id', async () => {
    const key = await account();
    const { personId } = await seed(key);
    const res = await send({ method: 'GET', url: `/v1/people/${personId}`, headers: headers(key) });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: personId, email: 'ben@example.com', name: 'Ben' });
  });

  it('person.save: PUT /people (no id in the path) with the materialized attributes', async () => {
    const key = await account();
    const created = await send({
      method: 'POST',
      url: '/v1/people',
      headers: headers(key),
      body: JSON.stringify({ email: 'ana@example.com', send: false, properties: { plan: 'pro' } }),
    });
    // Resource#save: client.put(getPath(), this); toJSON() is every key the object came with.
    const res = await send({
      method: 'PUT',
      url: '/v1/people',
      headers: headers(key),
      body: JSON.stringify({ ...created.body, name: 'Ana K.', properties: { plan: 'team' } }),
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: created.body.id,
      email: 'ana@example.com',
      name: 'Ana K.',
    });
  });

  it('surveyResponse.save: PUT /survey_responses with the id and expanded person in the body', async () => {
    const key = await account();
    const { responseId, personId } = await seed(key);
    const got = await send({
      method: 'GET',
      url: `/v1/survey_responses/${responseId}?expand=person`,
      headers: headers(key),
    });
    const res = await send({
      method: 'PUT',
      url: '/v1/survey_responses',
      headers: headers(key),
      body: JSON.stringify({ ...got.body, score: 7 }),
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: responseId, person: personId, score: 7 });
  });

  it('DELETE without a body: people/email%3A… and autopilot memberships by query string', async () => {
    const key = await account();
    await send({
      method: 'POST',
      url: '/v1/autopilot/email/memberships',
      headers: headers(key),
      body: JSON.stringify({ person_email: 'ana@example.com' }),
    });
    const membership = await send({
      method: 'DELETE',
      url: '/v1/autopilot/email/memberships?person_email=ana%40example.com',
      headers: headers(key),
    });
    expect(membership.status).toBe(202);
    const person = await send({
      method: 'DELETE',
      url: '/v1/people/email%3Aana%40example.com',
      headers: headers(key),
    });
    expect(person.status).toBe(202);
  });

  it('autoPagingEach: GET the Link URL (host and path from it, scheme from the options)', async () => {
    const key = await account();
    await seedPeople(key, 3);
    const emails = await walk(
      { method: 'GET', url: '/v1/people?per_page=2', headers: headers(key) },
      (url) => ({ method: 'GET', url, headers: headers(key) }),
    );
    expect(emails).toEqual(['p0@example.com', 'p1@example.com', 'p2@example.com']);
  });
});

describe('bodies on reads', () => {
  it('ignores a GET or HEAD body whatever its type; a write still needs JSON or a form', async () => {
    const key = await account();
    const auth = { Authorization: `Basic ${b64(`${key}:`)}` };
    for (const [type, body] of [
      [undefined, '{}'],
      ['application/json', '{"email": '],
      ['text/plain', 'hello'],
      ['application/json', '[1,2]'],
    ] as const) {
      const headers = type ? { ...auth, 'Content-Type': type } : auth;
      const get = await send({ method: 'GET', url: '/v1/people', headers, body });
      expect([type, body, get.status]).toEqual([type, body, 200]);
      const head = await send({ method: 'HEAD', url: '/v1/people', headers, body });
      expect(head.status).toBe(200);
    }
    const post = await send({
      method: 'POST',
      url: '/v1/people',
      headers: { ...auth, 'Content-Type': 'text/plain' },
      body: 'email=a@b.co',
    });
    expect(post.status).toBe(415);
    expect(post.body).toMatchObject({ status: 415 });
  });
});
