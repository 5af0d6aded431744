import fc from 'fast-check';
import request from 'supertest';
import { bearer, buildWorkspace } from '../../support/factories';
import { createTestWorld } from '../../support/test-context';
import type { TestWorld } from '../../support/test-context';

// A path with broken percent-encoding is the client's mistake: a 4xx in the shape its caller
// reads (an HTML page for people, JSON for the API, Delighted's JSON on /v1), never a 500.
let world: TestWorld;
let adminKey: string;

beforeAll(async () => {
  world = await createTestWorld();
  ({ adminKey } = await buildWorkspace(world.ctx.db));
});
afterAll(async () => {
  await world.close();
});

const basic = (key: string) => ({
  Authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}`,
});

describe('malformed percent-encoding in the path', () => {
  it.each(['/s/%00%ff', '/s/abc/%ff', '/u/%ff', '/reports/%ff', '/dashboard/surveys/%E0%A4%A'])(
    'answers %s with an HTML 400 page',
    async (path) => {
      const res = await request(world.app).get(path).expect(400);
      expect(res.type).toBe('text/html');
      expect(res.text).toContain('<!doctype html>');
      expect(res.text).not.toMatch(/URIError|at .*\.js/);
    },
  );

  it('speaks the visitor’s language on the public pages', async () => {
    const res = await request(world.app)
      .get('/s/%ff')
      .set('Accept-Language', 'de-DE, hr;q=0.8, en;q=0.5')
      .expect(400);
    expect(res.text).toContain('lang="hr"');
    expect(res.text).toContain('Anketa nije pronađena');
    const big = await request(world.app)
      .post(`/s/${'q'.repeat(43)}`)
      .set('Accept-Language', 'vi')
      .type('form')
      .send({ score: '9', comment: 'x'.repeat(200_000) })
      .expect(413);
    expect(big.type).toBe('text/html');
    expect(big.text).toContain('lang="vi"');
  });

  it('answers the JSON API with a 400 naming the path', async () => {
    for (const path of ['/api/contacts/%ED%A0%80', '/api/surveys/%ff', '/api/responses/%C0']) {
      const res = await request(world.app).get(path).set(bearer(adminKey)).expect(400);
      expect(res.body.error).toMatchObject({
        code: 'invalid_path',
        details: [{ field: 'path', location: 'params' }],
      });
    }
  });

  it('answers /v1 in Delighted’s shape', async () => {
    const res = await request(world.app)
      .get('/v1/people/%ff.json')
      .set(basic(adminKey))
      .expect(400);
    expect(res.body).toEqual({
      status: 400,
      message: 'The URL contains malformed percent-encoding.',
    });
  });

  it('never answers 5xx for random percent-encoded paths', async () => {
    const prefixes = ['/s/', '/u/', '/reports/', '/api/contacts/', '/api/surveys/', '/v1/people/'];
    const escape = fc.tuple(fc.integer({ min: 0, max: 255 }), fc.boolean()).map(([b, truncate]) => {
      const hex = b.toString(16).padStart(2, '0').toUpperCase();
      return truncate ? `%${hex[0]}` : `%${hex}`;
    });
    const segment = fc
      .array(fc.oneof(escape, fc.constantFrom('a', '9', '-', '.', '~', '%')), {
        minLength: 1,
        maxLength: 12,
      })
      .map((parts) => parts.join(''));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...prefixes), segment, async (prefix, seg) => {
        const res = await request(world.app)
          .get(prefix + seg)
          .set(prefix.startsWith('/v1') ? basic(adminKey) : bearer(adminKey));
        expect(res.status).toBeLessThan(500);
      }),
      { numRuns: 150, seed: 20261202 },
    );
  });
});
