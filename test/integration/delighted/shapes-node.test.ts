import { b64, useShapeWorld } from '../../support/delighted-shapes';

// Each request shape the Node client (delighted 2.2.0) sends, written byte for byte from its
// source (lib/Client.js, Delighted.js, Resource.js, resources/*.js) and sent over a raw
// socket; the real client runs in delighted-client.test.ts.

const { send, account, seed, seedPeople, walk } = useShapeWorld();

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
