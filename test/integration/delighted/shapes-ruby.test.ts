import { JSON_TYPE, withoutId, useShapeWorld } from '../../support/delighted-shapes';
import { rubyPackM } from '../../support/raw-http-client';

// Each request shape the Ruby gem (delighted 2.1.0rc1) sends, written byte for byte from its
// source (lib/delighted/client.rb, http_adapter.rb, utils.rb, operations/*.rb,
// list_resource.rb) and sent over a raw socket: supertest would add and normalise headers.

const { send, account, seed, seedPeople, walk } = useShapeWorld();

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
