import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Readable } from 'node:stream';
import request from 'supertest';
import { importDelightedCsv } from '../../../src/delighted/import/delighted-import.service';
import type { ImportSummary } from '../../../src/delighted/import/delighted-import.service';
import { bearer, buildApiKey, buildSurvey, buildWorkspace } from '../../support/factories';
import { createTestWorld } from '../../support/test-context';
import type { TestWorld } from '../../support/test-context';

const fixture = (name: string) =>
  readFileSync(path.join(__dirname, '../../fixtures/delighted', name));

let world: TestWorld;

beforeAll(async () => {
  world = await createTestWorld({ env: { IMPORT_MAX_BYTES: '8192' } });
});

afterAll(async () => {
  await world.close();
});

async function newWorkspace() {
  const { workspace, adminKey } = await buildWorkspace(world.ctx.db);
  return { id: workspace.id, key: adminKey };
}

function post(key: string, query: string, body: Buffer | string, type = 'text/csv') {
  return request(world.app)
    .post(`/api/imports/delighted?${query}`)
    .set(bearer(key))
    .set('Content-Type', type)
    .send(body);
}

async function counts(workspaceId: string) {
  const db = world.ctx.db;
  const one = async (table: 'contacts' | 'responses' | 'surveys') =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .where('workspace_id', '=', workspaceId)
          .executeTakeFirstOrThrow()
      ).n,
    );
  return {
    contacts: await one('contacts'),
    responses: await one('responses'),
    surveys: await one('surveys'),
  };
}

const RESPONSE_ERRORS = [
  { line: 7, reason: expect.stringMatching(/score 11 is outside 0–10/) },
  { line: 8, reason: 'missing score' },
  { line: 9, reason: expect.stringMatching(/unparseable date "yesterday afternoon"/) },
  { line: 10, reason: 'missing email' },
];

describe('POST /api/imports/delighted (responses)', () => {
  it('dry run reports what would be created and every unreadable row with its line, writing nothing', async () => {
    const ws = await newWorkspace();
    const before = await counts(ws.id);

    const res = await post(ws.key, 'type=responses&dryRun=true', fixture('responses.csv'));

    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      type: 'responses',
      dryRun: true,
      surveyId: null,
      surveyCreated: true,
      rows: 10,
      newContacts: 4,
      updatedContacts: 0,
      newResponses: 5,
      duplicatesSkipped: 1,
      unsubscribes: 0,
      bounces: 0,
      errorCount: 4,
      errors: RESPONSE_ERRORS,
      warnings: [],
      questions: { mapped: [], created: [], unmapped: ['What could we do better?'] },
      stoppedAt: null,
    });
    expect(await counts(ws.id)).toEqual(before);
  });

  it('imports contacts, responses, properties and tags; the metrics API shows the scores; a re-run adds nothing', async () => {
    const ws = await newWorkspace();

    const res = await post(ws.key, 'type=responses', fixture('responses.csv'));

    expect(res.status).toBe(200);
    const summary = res.body as ImportSummary;
    expect(summary).toMatchObject({
      dryRun: false,
      surveyCreated: true,
      rows: 10,
      newContacts: 4,
      newResponses: 5,
      duplicatesSkipped: 1,
      errorCount: 4,
      errors: RESPONSE_ERRORS,
    });
    const surveyId = summary.surveyId as string;
    const survey = await request(world.app).get(`/api/surveys/${surveyId}`).set(bearer(ws.key));
    expect(survey.body).toMatchObject({
      kind: 'nps',
      name: 'Delighted import',
      segmentProperties: ['Plan', 'Region'],
    });

    const list = await request(world.app)
      .get(`/api/responses?surveyId=${surveyId}&limit=50`)
      .set(bearer(ws.key));
    const byId = new Map(
      (list.body.data as { externalId: string }[]).map((r) => [
        r.externalId,
        r as Record<string, unknown>,
      ]),
    );
    expect([...byId.keys()].sort()).toEqual(
      ['1001', '1002', '1003', '1004', '1009'].map((id) => `delighted:${id}`),
    );
    expect(byId.get('delighted:1001')).toMatchObject({
      score: 10,
      comment: 'Great, fast support',
      createdAt: '2024-03-05T21:02:11.000Z',
      updatedAt: '2024-03-05T22:00:00.000Z',
      locale: 'hr',
      segment: { locale: 'hr', Plan: 'Pro', Region: 'EU' },
      contact: { email: 'ana.kovac@example.com', name: 'Ana Kovač' },
      countsInScores: true,
    });
    expect(byId.get('delighted:1002')?.comment).toBe(
      'Spor odgovor.\r\nTrebalo je tri dana, a obećano je jedan.',
    );
    expect(byId.get('delighted:1003')).toMatchObject({
      comment: 'Одлична услуга, хвала!',
      createdAt: new Date(1709715600 * 1000).toISOString(),
      locale: 'sr-Cyrl',
      contact: { name: 'Милан Петровић' },
    });
    expect(byId.get('delighted:1004')).toMatchObject({
      comment: 'Dịch vụ tốt, nhưng hơi chậm "một chút"',
      createdAt: '2024-03-07T01:00:00.000Z',
      locale: 'vi',
      tags: ['vietnam'],
    });
    // Ana answered twice (the second time in capitals): one contact, both responses hers.
    expect(byId.get('delighted:1009')?.contact).toEqual(byId.get('delighted:1001')?.contact);

    const rows = await world.ctx.db
      .selectFrom('responses')
      .select(['external_id', 'tags', 'import_details'])
      .where('workspace_id', '=', ws.id)
      .orderBy('external_id')
      .execute();
    expect(rows.map((r) => [r.external_id, r.tags])).toEqual([
      ['delighted:1001', ['vip', 'renewal']],
      ['delighted:1002', ['support', 'slow']],
      ['delighted:1003', []],
      ['delighted:1004', ['vietnam']],
      ['delighted:1009', ['vip']],
    ]);
    expect(rows[1]?.import_details).toMatchObject({
      source: 'delighted',
      responseId: '1002',
      personId: '502',
      permalink: 'https://app.delighted.com/r/1002',
      channel: 'email',
      notes: 'Called him back, he was calm',
      properties: { Plan: 'Basic', Region: 'EU', 'What could we do better?': 'Brži odgovori' },
    });

    const ana = await request(world.app)
      .get('/api/contacts?email=ana.kovac@example.com')
      .set(bearer(ws.key));
    expect(ana.body.data).toHaveLength(1);
    expect(ana.body.data[0]).toMatchObject({
      name: 'Ana Kovač',
      locale: 'hr',
      // The later response's properties win; a property only the first had stays.
      properties: {
        Plan: 'Enterprise',
        Region: 'EU',
        'What could we do better?': 'Ništa — sve je odlično',
      },
    });

    const metricsUrl = `/api/surveys/${surveyId}/metrics?since=2024-03-01&until=2024-04-30&interval=month`;
    const metrics = await request(world.app).get(`${metricsUrl}&segment=Plan`).set(bearer(ws.key));
    expect(metrics.status).toBe(200);
    // 10, 3, 9, 8, 10: three promoters, one passive, one detractor.
    expect(metrics.body.nps).toMatchObject({
      n: 5,
      promoters: 3,
      passives: 1,
      detractors: 1,
      score: 40,
    });
    const march = (
      metrics.body.periods as {
        start: string;
        overall: { n: number };
        segments: { value: string; n: number }[];
      }[]
    ).find((p) => p.start.startsWith('2024-03'));
    expect(march?.overall.n).toBe(4);
    expect(Object.fromEntries(march?.segments.map((s) => [s.value, s.n]) ?? [])).toEqual({
      Pro: 2,
      Basic: 2,
      Enterprise: 0,
    });

    // Re-run: nothing new, same survey, same figures.
    const before = await counts(ws.id);
    const again = await post(ws.key, 'type=responses', fixture('responses.csv'));
    expect(again.body).toMatchObject({
      surveyId,
      surveyCreated: false,
      newContacts: 0,
      updatedContacts: 0,
      newResponses: 0,
      duplicatesSkipped: 6,
      errorCount: 4,
    });
    expect(await counts(ws.id)).toEqual(before);
    const metricsAgain = await request(world.app).get(metricsUrl).set(bearer(ws.key));
    expect(metricsAgain.body.nps).toMatchObject({ n: 5, score: 40 });

    // A dry run now finds only duplicates.
    const dry = await post(ws.key, 'type=responses&dryRun=true', fixture('responses.csv'));
    expect(dry.body).toMatchObject({
      surveyId,
      surveyCreated: false,
      newContacts: 0,
      updatedContacts: 0,
      newResponses: 0,
      duplicatesSkipped: 6,
    });
  });

  it('imports into a chosen survey and checks scores against its scale', async () => {
    const ws = await newWorkspace();
    const csat = await buildSurvey(world.ctx.db, ws.id, { kind: 'csat' });
    const csv =
      'Response ID,Score,Created at,Email\n1,5,2024-01-01,a@example.com\n2,9,2024-01-02,b@example.com\n';

    const res = await post(ws.key, `type=responses&surveyId=${csat.id}`, csv);

    expect(res.body).toMatchObject({
      surveyId: csat.id,
      surveyCreated: false,
      newResponses: 1,
      errors: [{ line: 3, reason: 'score 9 is outside 1–5 (csat survey)' }],
    });
  });

  it('reports a file it cannot read to the end with the line where it stops', async () => {
    const ws = await newWorkspace();
    const csv =
      'Response ID,Score,Created at,Email\n1,9,2024-01-01,a@example.com\n2,8,2024-01-02,"b@example.com\n3,7,2024-01-03,c@example.com\n';

    const res = await post(ws.key, 'type=responses', csv);

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      newResponses: 1,
      stoppedAt: { line: 3, reason: 'a quoted field is never closed' },
    });
  });
});

describe('POST /api/imports/delighted (people, unsubscribes, bounces)', () => {
  it('upserts people by email, keeping Delighted dates and phone as properties', async () => {
    const ws = await newWorkspace();
    await request(world.app)
      .post('/api/contacts')
      .set(bearer(ws.key))
      .send({
        email: 'Ana.Kovac@example.com',
        name: 'Ana K',
        properties: { Plan: 'Pro', Team: 'Support' },
      })
      .expect((r) => expect(r.status).toBeLessThan(300));

    const res = await post(ws.key, 'type=people', fixture('people.csv'));

    expect(res.body).toMatchObject({
      rows: 5,
      newContacts: 2,
      updatedContacts: 1,
      newResponses: 0,
      errors: [
        { line: 5, reason: 'invalid email "not-an-email"' },
        { line: 6, reason: 'unparseable date "2023-13-40" in created at' },
      ],
    });
    const jovana = await request(world.app)
      .get('/api/contacts?email=jovana@example.com')
      .set(bearer(ws.key));
    expect(jovana.body.data[0]).toMatchObject({
      name: 'Јована Јовановић',
      properties: {
        Plan: 'Basic',
        Company: 'Јовановић, доо',
        delighted_created_at: '2023-02-11T08:00:00.000Z',
      },
    });
    const ana = await request(world.app)
      .get('/api/contacts?email=ana.kovac@example.com')
      .set(bearer(ws.key));
    expect(ana.body.data).toHaveLength(1);
    expect(ana.body.data[0]).toMatchObject({
      name: 'Ana Kovač',
      properties: {
        Plan: 'Enterprise',
        Team: 'Support',
        phone_number: '+385911234567',
        delighted_last_sent_at: new Date(1709650000 * 1000).toISOString(),
      },
    });

    const again = await post(ws.key, 'type=people', fixture('people.csv'));
    expect(again.body).toMatchObject({ newContacts: 0, updatedContacts: 0 });
  });

  it('imports unsubscribes and bounces with their original dates; re-runs change nothing', async () => {
    const ws = await newWorkspace();
    await post(ws.key, 'type=people', fixture('people.csv')).expect(200);

    const unsubscribes = await post(ws.key, 'type=unsubscribes', fixture('unsubscribes.csv'));
    const bounces = await post(ws.key, 'type=bounces', fixture('bounces.csv'));

    expect(unsubscribes.body).toMatchObject({
      unsubscribes: 2,
      newContacts: 1,
      errors: [{ line: 4, reason: 'missing email' }],
    });
    expect(bounces.body).toMatchObject({
      bounces: 1,
      newContacts: 1,
      errors: [{ line: 3, reason: 'unparseable date "not a date" in bounced at' }],
    });
    const unsubscribed = await request(world.app).get('/api/unsubscribes').set(bearer(ws.key));
    expect(
      Object.fromEntries(
        (unsubscribed.body.data as { email: string; since: string }[]).map((s) => [
          s.email,
          s.since,
        ]),
      ),
    ).toEqual({
      'ana.kovac@example.com': '2024-05-01T10:00:00.000Z',
      'gone@example.com': new Date(1714557600 * 1000).toISOString(),
    });
    const bounced = await request(world.app).get('/api/bounces').set(bearer(ws.key));
    expect(bounced.body.data).toEqual([
      expect.objectContaining({ email: 'bounce@example.com', since: '2024-05-03T07:00:00.000Z' }),
    ]);

    const dry = await post(ws.key, 'type=unsubscribes&dryRun=true', fixture('unsubscribes.csv'));
    const again = await post(ws.key, 'type=unsubscribes', fixture('unsubscribes.csv'));
    expect(dry.body).toMatchObject({ unsubscribes: 0, newContacts: 0, duplicatesSkipped: 2 });
    expect(again.body).toMatchObject({ unsubscribes: 0, newContacts: 0, duplicatesSkipped: 2 });
  });
});

describe('POST /api/imports/delighted: hostile input and isolation', () => {
  it('refuses oversized, non-CSV, empty and headerless bodies with 4xx naming the problem', async () => {
    const ws = await newWorkspace();
    const big = `Response ID,Score,Created at,Email\n${'1,9,2024-01-01,a@example.com\n'.repeat(400)}`;

    const tooBig = await post(ws.key, 'type=responses', big);
    const json = await post(
      ws.key,
      'type=responses',
      JSON.stringify({ responses: [] }),
      'application/json',
    );
    const latin1 = await post(ws.key, 'type=responses', 'a,b\n', 'text/csv; charset=iso-8859-1');
    const empty = await request(world.app)
      .post('/api/imports/delighted?type=responses')
      .set(bearer(ws.key));
    const notDelighted = await post(ws.key, 'type=responses', '{"not":"a csv"}\n');
    const badType = await post(ws.key, 'type=surveys', fixture('people.csv'));

    expect(tooBig.status).toBe(413);
    expect(tooBig.body.error.code).toBe('payload_too_large');
    expect(json.status).toBe(415);
    expect(latin1.status).toBe(415);
    expect(empty.status).toBe(400);
    expect(notDelighted.status).toBe(400);
    expect(notDelighted.body.error.details[0]).toMatchObject({ field: 'file' });
    expect(notDelighted.body.error.details[0].issue).toMatch(/no column for: responseId/);
    expect(badType.status).toBe(400);
    expect(badType.body.error.details[0]).toMatchObject({ field: 'type', location: 'query' });
    expect(await counts(ws.id)).toEqual({ contacts: 0, responses: 0, surveys: 0 });
  });

  it('cuts off a chunked body that grows past IMPORT_MAX_BYTES with 413', async () => {
    const ws = await newWorkspace();
    const server = http.createServer(world.app).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const status = await new Promise<number>((resolve, reject) => {
        const req = http.request(
          {
            port,
            host: '127.0.0.1',
            method: 'POST',
            path: '/api/imports/delighted?type=people&dryRun=true',
            headers: {
              ...bearer(ws.key),
              'Content-Type': 'text/csv',
              'Transfer-Encoding': 'chunked',
            },
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.write('Email,Name\n');
        for (let i = 0; i < 400; i++) {
          req.write(`person${i}@example.com,Person ${i}\n`);
        }
        req.end();
      });
      expect(status).toBe(413);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('needs an admin or manager key and keeps each workspace to itself', async () => {
    const a = await newWorkspace();
    const b = await newWorkspace();
    const executive = await buildApiKey(world.ctx.db, a.id, 'executive');
    const surveyOfA = await buildSurvey(world.ctx.db, a.id);
    const manager = await buildApiKey(world.ctx.db, a.id, 'manager');

    const unauth = await request(world.app)
      .post('/api/imports/delighted?type=people')
      .set('Content-Type', 'text/csv')
      .send('Email\nx@example.com\n');
    const forbidden = await post(executive, 'type=people', fixture('people.csv'));
    const foreignSurvey = await post(
      b.key,
      `type=responses&surveyId=${surveyOfA.id}`,
      fixture('responses.csv'),
    );
    const intoA = await post(
      manager,
      `type=responses&surveyId=${surveyOfA.id}`,
      fixture('responses.csv'),
    );
    const intoB = await post(b.key, 'type=responses', fixture('responses.csv'));

    expect(unauth.status).toBe(401);
    expect(forbidden.status).toBe(403);
    expect(foreignSurvey.status).toBe(404);
    expect(intoA.body).toMatchObject({ surveyId: surveyOfA.id, newResponses: 5, newContacts: 4 });
    // The same Response IDs are new in another workspace: keys are per workspace.
    expect(intoB.body).toMatchObject({ surveyCreated: true, newResponses: 5, newContacts: 4 });
    expect(await counts(a.id)).toEqual({ contacts: 4, responses: 5, surveys: 1 });
    expect(await counts(b.id)).toEqual({ contacts: 4, responses: 5, surveys: 1 });
    const seenByB = await request(world.app)
      .get(`/api/responses?surveyId=${surveyOfA.id}`)
      .set(bearer(b.key));
    expect(seenByB.body.data).toEqual([]);
  });
});

describe('importDelightedCsv over many batches', () => {
  function bigExport(): string {
    const lines = ['Response ID,Score,Comment,Created at,Email,Name,Plan'];
    for (let i = 0; i < 2500; i++) {
      // 300 people answering repeatedly; every 250th row repeats an earlier Response ID.
      const id = i % 250 === 249 ? i - 100 : i;
      lines.push(
        `${id},${i % 11},"comment ${i}, with a comma",${1700000000 + id},p${id % 300}@example.com,P ${id % 300},${id % 2 ? 'Pro' : 'Basic'}`,
      );
    }
    return `${lines.join('\n')}\n`;
  }

  it('gives the same counts in a dry run and the import, and batches them', async () => {
    const ws = await newWorkspace();
    const deps = {
      db: world.ctx.db,
      pool: world.ctx.pool,
      clock: world.ctx.clock,
      hashEmail: world.ctx.hashEmail,
    };
    const progress: number[] = [];
    const opts = { workspaceId: ws.id, type: 'responses' as const, batchSize: 100 };

    const dry = await importDelightedCsv(deps, Readable.from([bigExport()]), {
      ...opts,
      dryRun: true,
    });
    const real = await importDelightedCsv(deps, Readable.from([bigExport()]), {
      ...opts,
      dryRun: false,
      onProgress: (p) => progress.push(p.rows),
    });

    const expected = {
      rows: 2500,
      newContacts: 300,
      newResponses: 2490,
      duplicatesSkipped: 10,
      errorCount: 0,
    };
    expect(dry).toMatchObject(expected);
    expect(real).toMatchObject(expected);
    expect(progress.length).toBeGreaterThanOrEqual(25);
    expect(await counts(ws.id)).toMatchObject({ contacts: 300, responses: 2490 });
  });
});
