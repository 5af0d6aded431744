import {
  FORM_TYPE,
  JSON_TYPE,
  b64,
  withoutId,
  useShapeWorld,
} from '../../support/delighted-shapes';

// Each request shape the PHP client (delighted/delighted 4.2.0) sends, written byte for byte
// from its source (lib/Delighted/Client.php over Guzzle, SurveyResponse.php, Person.php,
// ListResource.php) and sent over a raw socket: supertest would add and normalise headers.

const { send, account, seed, seedPeople, walk, db } = useShapeWorld();

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
    await db()
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
