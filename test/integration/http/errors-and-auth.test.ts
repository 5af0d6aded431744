import { once } from 'node:events';
import request from 'supertest';
import { createContext } from '../../../src/context';
import { createApp } from '../../../src/http/app';
import { createLogger } from '../../../src/logger';
import { bearer, buildApiKey, buildSurvey, buildWorkspace } from '../../support/factories';
import { buildSentInvitation } from '../../support/collector-factories';
import { createTestWorld } from '../../support/test-context';
import type { TestWorld } from '../../support/test-context';

let world: TestWorld;
let adminKey: string;
let workspaceId: string;

beforeAll(async () => {
  world = await createTestWorld({ env: { BODY_LIMIT_BYTES: '2048' } });
  ({
    adminKey,
    workspace: { id: workspaceId },
  } = await buildWorkspace(world.ctx.db).then((w) => ({
    adminKey: w.adminKey,
    workspace: w.workspace,
  })));
});
afterAll(async () => {
  await world.close();
});

const validSurvey = { kind: 'nps', name: 'After support', trigger: { eventType: 'ticket.closed' } };

function expectErrorShape(body: unknown, code: string) {
  expect(body).toMatchObject({ error: { code, message: expect.any(String) } });
  expect(JSON.stringify(body)).not.toMatch(/at .+\.(ts|js):\d+/);
}

describe('authentication and roles', () => {
  it('answers 401 without a key', async () => {
    const res = await request(world.app).get('/api/surveys').expect(401);
    expectErrorShape(res.body, 'unauthorized');
  });

  it('answers 401 for an unknown key and for a malformed Authorization header', async () => {
    await request(world.app)
      .get('/api/surveys')
      .set(bearer('glas_' + 'x'.repeat(43)))
      .expect(401);
    await request(world.app)
      .get('/api/surveys')
      .set('Authorization', `Basic ${adminKey}`)
      .expect(401);
    await request(world.app)
      .get('/api/surveys')
      .set('Authorization', 'Bearer <script>')
      .expect(401);
  });

  it('answers 401 once a key is revoked', async () => {
    const key = await buildApiKey(world.ctx.db, workspaceId, 'manager');
    await request(world.app).get('/api/surveys').set(bearer(key)).expect(200);
    await world.ctx.db
      .updateTable('api_keys')
      .set({ revoked_at: new Date() })
      .where('workspace_id', '=', workspaceId)
      .where('role', '=', 'manager')
      .execute();
    await request(world.app).get('/api/surveys').set(bearer(key)).expect(401);
  });

  it('answers 403 when an executive key tries to create a survey', async () => {
    const key = await buildApiKey(world.ctx.db, workspaceId, 'executive');
    const res = await request(world.app)
      .post('/api/surveys')
      .set(bearer(key))
      .send(validSurvey)
      .expect(403);
    expectErrorShape(res.body, 'forbidden');
    await request(world.app).get('/api/surveys').set(bearer(key)).expect(200);
  });

  it('lets an ingest key post events but not read surveys', async () => {
    const key = await buildApiKey(world.ctx.db, workspaceId, 'ingest');
    await request(world.app).get('/api/surveys').set(bearer(key)).expect(403);
    await request(world.app)
      .post('/api/events')
      .set(bearer(key))
      .send({ type: 'ticket.closed', contact: { email: 'ingest@example.com' } })
      .expect(202);
  });

  it("answers 404 for another workspace's survey and leaves it untouched", async () => {
    const other = await buildWorkspace(world.ctx.db);
    const theirs = await buildSurvey(world.ctx.db, other.workspace.id, { status: 'draft' });
    await request(world.app).get(`/api/surveys/${theirs.id}`).set(bearer(adminKey)).expect(404);
    await request(world.app)
      .post(`/api/surveys/${theirs.id}/launch`)
      .set(bearer(adminKey))
      .expect(404);
    await request(world.app)
      .get(`/api/surveys/${theirs.id}/metrics`)
      .set(bearer(adminKey))
      .expect(404);
    const list = await request(world.app).get('/api/surveys').set(bearer(adminKey)).expect(200);
    expect(list.body.data.map((s: { id: string }) => s.id)).not.toContain(theirs.id);
    const row = await world.ctx.db
      .selectFrom('surveys')
      .select('status')
      .where('id', '=', theirs.id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('draft');
  });
});

describe('malformed, oversized and hostile input', () => {
  it('rejects malformed JSON with 400 invalid_json', async () => {
    const res = await request(world.app)
      .post('/api/surveys')
      .set(bearer(adminKey))
      .set('Content-Type', 'application/json')
      .send('{"kind": "nps",')
      .expect(400);
    expectErrorShape(res.body, 'invalid_json');
  });

  it('rejects an oversized body with 413', async () => {
    const res = await request(world.app)
      .post('/api/surveys')
      .set(bearer(adminKey))
      .send({ ...validSurvey, name: 'x'.repeat(5000) })
      .expect(413);
    expectErrorShape(res.body, 'payload_too_large');
  });

  it('rejects a non-JSON body with 415', async () => {
    await request(world.app)
      .post('/api/surveys')
      .set(bearer(adminKey))
      .type('form')
      .send('kind=nps')
      .expect(415);
  });

  it('rejects unknown and mass-assigned fields, naming each one', async () => {
    const res = await request(world.app)
      .post('/api/surveys')
      .set(bearer(adminKey))
      .send({
        ...validSurvey,
        workspaceId: '00000000-0000-0000-0000-000000000000',
        status: 'active',
      })
      .expect(400);
    expectErrorShape(res.body, 'validation_failed');
    const fields = res.body.error.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['workspaceId', 'status']));
  });

  it('names nested fields that are wrong', async () => {
    const res = await request(world.app)
      .post('/api/surveys')
      .set(bearer(adminKey))
      .send({ kind: 'hearts', name: '', trigger: { eventType: 'bad type!', delaySeconds: -1 } })
      .expect(400);
    const fields = res.body.error.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(
      expect.arrayContaining(['kind', 'name', 'trigger.eventType', 'trigger.delaySeconds']),
    );
  });

  it.each([
    ['an array', []],
    ['a string', 'survey'],
    ['null', null],
  ])('rejects %s as the body with 400', async (_label, body) => {
    const res = await request(world.app)
      .post('/api/surveys')
      .set(bearer(adminKey))
      .set('Content-Type', 'application/json')
      .send(JSON.stringify(body))
      .expect(400);
    expect(res.body.error.code).toMatch(/validation_failed|invalid_json/);
  });

  it('rejects CR/LF in an email subject (header injection) naming the field', async () => {
    const res = await request(world.app)
      .post('/api/surveys')
      .set(bearer(adminKey))
      .send({ ...validSurvey, texts: { en: { emailSubject: 'Hi\r\nBcc: victim@example.com' } } })
      .expect(400);
    expect(res.body.error.details[0].field).toBe('texts.en.emailSubject');
  });

  it('rejects CR/LF in a contact name and a bad email on events', async () => {
    const res = await request(world.app)
      .post('/api/events')
      .set(bearer(adminKey))
      .send({
        type: 'ticket.closed',
        contact: { email: 'not-an-email', name: 'Ana\r\nBcc: x@y.z' },
      })
      .expect(400);
    const fields = res.body.error.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['contact.email', 'contact.name']));
  });

  it('answers 400 naming `id` for a malformed survey id, and 404 for an unknown one', async () => {
    const res = await request(world.app)
      .get('/api/surveys/not-a-uuid')
      .set(bearer(adminKey))
      .expect(400);
    expect(res.body.error.details[0].field).toBe('id');
    await request(world.app)
      .get('/api/surveys/7d3b4c2e-0000-4000-8000-000000000000')
      .set(bearer(adminKey))
      .expect(404)
      .expect((r) => expectErrorShape(r.body, 'survey_not_found'));
  });

  it('answers 404 JSON for unknown routes', async () => {
    const res = await request(world.app).get('/api/nope').set(bearer(adminKey)).expect(404);
    expectErrorShape(res.body, 'route_not_found');
  });

  it('stores hostile strings as text, unchanged', async () => {
    const name = `<script>alert(1)</script>' OR 1=1; -- ${'\u202e'}`;
    const res = await request(world.app)
      .post('/api/surveys')
      .set(bearer(adminKey))
      .send({ ...validSurvey, name })
      .expect(201);
    expect(res.body.name).toBe(name);
  });

  it('rejects a NUL byte in text with 400 instead of a database error', async () => {
    const res = await request(world.app)
      .post('/api/surveys')
      .set(bearer(adminKey))
      .send({ ...validSurvey, name: 'a\u0000b' })
      .expect(400);
    expect(res.body.error.details[0].field).toBe('name');
  });
});

describe('idempotent event ingest', () => {
  it('replays the first answer for the same key and body, and refuses another body with 422', async () => {
    const body = { type: 'order.shipped', contact: { email: 'idem@example.com' } };
    const first = await request(world.app)
      .post('/api/events')
      .set(bearer(adminKey))
      .set('Idempotency-Key', 'k-1')
      .send(body)
      .expect(202);
    const again = await request(world.app)
      .post('/api/events')
      .set(bearer(adminKey))
      .set('Idempotency-Key', 'k-1')
      .send(body)
      .expect(202);
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    const other = await request(world.app)
      .post('/api/events')
      .set(bearer(adminKey))
      .set('Idempotency-Key', 'k-1')
      .send({ ...body, contact: { email: 'someone-else@example.com' } })
      .expect(422);
    expect(other.body.error.details[0].field).toBe('Idempotency-Key');
    const events = await world.ctx.db
      .selectFrom('events')
      .select('id')
      .where('idempotency_key', '=', 'k-1')
      .execute();
    expect(events).toHaveLength(1);
  });
});

describe('rate limits', () => {
  it('limits the public survey pages per IP without throttling the API', async () => {
    const limited = await createTestWorld({ env: { RATE_LIMIT_SURVEY_PER_MINUTE: '3' } });
    try {
      const { adminKey: key } = await buildWorkspace(limited.ctx.db);
      for (let i = 0; i < 8; i++) {
        await request(limited.app).get('/api/surveys').set(bearer(key)).expect(200);
      }
      for (let i = 0; i < 3; i++) {
        await request(limited.app)
          .get(`/s/${'x'.repeat(43)}`)
          .expect(404);
      }
      const res = await request(limited.app)
        .get(`/s/${'x'.repeat(43)}`)
        .expect(429);
      expect(res.headers['retry-after']).toBe('60');
      expect(res.text).toContain('<html');
    } finally {
      await limited.close();
    }
  });

  it('lets everyone behind one address answer their own link the first time', async () => {
    // An office behind one NAT address: ten people answer, the limit is three a minute.
    const limited = await createTestWorld({ env: { RATE_LIMIT_SURVEY_PER_MINUTE: '3' } });
    try {
      const { workspace } = await buildWorkspace(limited.ctx.db);
      const survey = await buildSurvey(limited.ctx.db, workspace.id, { kind: 'nps' });
      const links = [];
      for (let i = 0; i < 10; i++) {
        links.push(
          await buildSentInvitation(limited.ctx.db, {
            workspaceId: workspace.id,
            surveyId: survey.id,
            email: `person${i}@example.com`,
          }),
        );
      }
      for (const { token } of links) {
        await request(limited.app).get(`/s/${token}/9`).expect(200);
        await request(limited.app)
          .post(`/s/${token}`)
          .type('form')
          .send({ score: '9', comment: 'Fine' })
          .expect(200);
      }
      const counted = await limited.ctx.db
        .selectFrom('responses')
        .select(['status'])
        .where('workspace_id', '=', workspace.id)
        .execute();
      expect(counted.map((r) => r.status)).toEqual(Array(10).fill('counted'));
      // Over the limit, an answered link and an unknown one are refused.
      await request(limited.app).get(`/s/${links[0]!.token}`).expect(429);
      await request(limited.app)
        .get(`/s/${'z'.repeat(43)}`)
        .expect(429);
    } finally {
      await limited.close();
    }
  });

  it('limits each survey link on its own, whatever the address', async () => {
    const limited = await createTestWorld({
      env: { RATE_LIMIT_SURVEY_PER_MINUTE: '1000', RATE_LIMIT_SURVEY_TOKEN_PER_MINUTE: '2' },
    });
    try {
      const a = `/s/${'a'.repeat(43)}`;
      const b = `/s/${'b'.repeat(43)}`;
      await request(limited.app).get(a).expect(404);
      await request(limited.app).get(`${a}/9`).expect(404);
      await request(limited.app).get(a).expect(429);
      await request(limited.app).get(b).expect(404);
    } finally {
      await limited.close();
    }
  });

  it('counts across API processes: the limit is shared through Redis', async () => {
    const limited = await createTestWorld({ env: { RATE_LIMIT_SURVEY_PER_MINUTE: '3' } });
    const second = createContext(limited.ctx.config, {
      dbSchema: limited.schema,
      logger: createLogger('silent'),
    });
    try {
      await once(second.redis, 'ready');
      const other = createApp(second);
      const path = `/s/${'c'.repeat(43)}`;
      await request(limited.app).get(path).expect(404);
      await request(other).get(path).expect(404);
      await request(limited.app).get(path).expect(404);
      await request(other).get(path).expect(429);
    } finally {
      await second.close();
      await limited.close();
    }
  });
});
