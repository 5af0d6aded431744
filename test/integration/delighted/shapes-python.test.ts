import { JSON_TYPE, b64, useShapeWorld } from '../../support/delighted-shapes';

// Each request shape the Python client (delighted 4.2.0) sends, written byte for byte from its
// source (delighted/client.py, resource.py, util.py, http_adapter.py over requests) and sent
// over a raw socket: supertest would add and normalise headers.

const { send, account, seed, seedPeople, walk } = useShapeWorld();

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

  it('GET `{}` with Content-Type: application/json (a default headers dict a write filled)', async () => {
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
