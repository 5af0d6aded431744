import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { QueueEvents } from 'bullmq';
import { sql } from 'kysely';
import request from 'supertest';
import type { Clock } from '../../../src/clock';
import { queueConnection } from '../../../src/jobs/queues';
import { bearer, buildSurvey, buildWorkspace } from '../../support/factories';
import { createTestWorld } from '../../support/test-context';
import type { TestWorld } from '../../support/test-context';
import { waitFor } from '../../support/wait';

// A stand-in for a Slack incoming webhook on loopback: it answers `200 ok` like Slack does
// (https://docs.slack.dev/messaging/sending-messages-using-incoming-webhooks).
async function startSlack() {
  const received: { text: string }[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as { text: string });
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/services/T000/B000/XXXXXXXXXXXXXXXXXXXXXXXX`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const DAY = 86_400_000;
let nowMs = Date.parse('2026-06-15T12:00:00Z');
// Deterministic: the tick judges exactly the moment the test set.
const clock: Clock = { now: () => new Date(nowMs) };

let world: TestWorld;
let events: QueueEvents;
beforeAll(async () => {
  world = await createTestWorld({
    clock,
    env: { WEBHOOK_ALLOW_PRIVATE_URLS: 'true', WEBHOOK_BACKOFF_MS: '50' },
  });
  world.startWorkers({ relay: true });
  events = new QueueEvents('maintenance', {
    prefix: world.ctx.config.REDIS_PREFIX,
    connection: queueConnection(world.ctx.config),
  });
  await events.waitUntilReady();
});
afterAll(async () => {
  await events.close();
  await world.close();
});

/** One scheduled tick, through the real maintenance queue and worker. */
interface TickResult {
  opened: number;
  closed: number;
  emailed: number;
  emailFailed: number;
}

async function tick(): Promise<TickResult> {
  const job = await world.ctx.queues
    .get('maintenance')
    .add('metric-alerts', { task: 'metric-alerts' });
  return (await job.waitUntilFinished(events, 15_000)) as TickResult;
}

/** `scores` answers, counted, each at `at` minus a minute per answer. */
async function answers(workspaceId: string, surveyId: string, at: Date, scores: number[]) {
  await sql`insert into responses (workspace_id, survey_id, score, segment, source, status,
      created_at, updated_at)
    select ${workspaceId}, ${surveyId}, s.score, '{}'::jsonb, 'import', 'counted',
      ${at}::timestamptz - (s.i * interval '1 minute'), ${at}::timestamptz - (s.i * interval '1 minute')
    from unnest(${scores}::int[]) with ordinality as s(score, i)`.execute(world.ctx.db);
}

const many = (n: number, score: number) => Array.from({ length: n }, () => score);

async function slackRule(adminKey: string, url: string) {
  const res = await request(world.app)
    .post('/api/chat-alerts')
    .set(bearer(adminKey))
    .send({ platform: 'slack', name: '#cx-alerts', url })
    .expect(201);
  return res.body.id as string;
}

async function rule(adminKey: string, id: string) {
  const res = await request(world.app)
    .get(`/api/metric-alerts/${id}`)
    .set(bearer(adminKey))
    .expect(200);
  return res.body as {
    state: string;
    lastResult: Record<string, unknown>;
    episodes: { closedAt: string | null }[];
  };
}

describe('metric alerts', () => {
  it('a volume drop raises exactly one Slack alert and one recovery', async () => {
    const slack = await startSlack();
    try {
      const { workspace, adminKey } = await buildWorkspace(world.ctx.db);
      const survey = await buildSurvey(world.ctx.db, workspace.id, { kind: 'nps' });
      // Eight weeks of 16–24 answers a day, then a day with none: a broken trigger.
      for (let d = 1; d <= 56; d++) {
        const at = new Date(nowMs - d * DAY - 60_000);
        await answers(workspace.id, survey.id, at, many(16 + ((d * 7) % 9), 9));
      }
      const chatAlertRuleId = await slackRule(adminKey, slack.url);
      const created = await request(world.app)
        .post('/api/metric-alerts')
        .set(bearer(adminKey))
        .send({
          name: 'Support volume',
          surveyId: survey.id,
          condition: 'low_volume',
          windowDays: 1,
          channel: 'chat',
          chatAlertRuleId,
        })
        .expect(201);
      const id = created.body.id as string;

      expect(await tick()).toMatchObject({ opened: 1, closed: 0 });
      await waitFor(() => slack.received.length >= 1, { what: 'the Slack alert' });
      nowMs += 15 * 60_000;
      expect(await tick()).toMatchObject({ opened: 0, closed: 0 });
      expect((await rule(adminKey, id)).state).toBe('alerting');

      // The trigger is mended: the next day brings its usual answers.
      nowMs += DAY;
      await answers(workspace.id, survey.id, new Date(nowMs - 60_000), many(20, 9));
      expect(await tick()).toMatchObject({ opened: 0, closed: 1 });
      await waitFor(() => slack.received.length >= 2, { what: 'the Slack recovery' });
      nowMs += 15 * 60_000;
      expect(await tick()).toMatchObject({ opened: 0, closed: 0 });
      await world.relay();

      expect(slack.received.map((m) => m.text)).toEqual([
        'Metric alert: Support volume',
        'Back to normal: Support volume',
      ]);
      const shown = await rule(adminKey, id);
      expect(shown.state).toBe('ok');
      expect(shown.episodes).toHaveLength(1);
      expect(shown.episodes[0]!.closedAt).not.toBeNull();

      // Its Slack channel cannot be deleted from under it: the alert would fire into nothing.
      const refused = await request(world.app)
        .delete(`/api/chat-alerts/${chatAlertRuleId}`)
        .set(bearer(adminKey))
        .expect(409);
      expect(refused.body.error).toMatchObject({
        code: 'chat_alert_rule_in_use',
        details: [{ field: 'id', issue: 'used by metric alerts: Support volume' }],
      });
      await request(world.app).delete(`/api/metric-alerts/${id}`).set(bearer(adminKey)).expect(204);
      await request(world.app)
        .delete(`/api/chat-alerts/${chatAlertRuleId}`)
        .set(bearer(adminKey))
        .expect(204);
    } finally {
      await slack.close();
    }
  });

  it('a threshold rule emails once per episode and once when it recovers', async () => {
    const { workspace, adminKey } = await buildWorkspace(world.ctx.db);
    const survey = await buildSurvey(world.ctx.db, workspace.id, { kind: 'nps' });
    const created = await request(world.app)
      .post('/api/metric-alerts')
      .set(bearer(adminKey))
      .send({
        name: 'NPS under 20',
        surveyId: survey.id,
        condition: 'below_threshold',
        windowDays: 7,
        threshold: 20,
        minResponses: 10,
        channel: 'email',
        email: 'cx-lead@example.com',
      })
      .expect(201);
    const id = created.body.id as string;
    const mine = () => world.smtp.inbox.filter((m) => m.to.includes('cx-lead@example.com'));

    // NPS −20 over 20 answers.
    await answers(workspace.id, survey.id, new Date(nowMs - DAY), [
      ...many(6, 10),
      ...many(4, 8),
      ...many(10, 3),
    ]);
    expect(await tick()).toMatchObject({ opened: 1, emailed: 1 });
    nowMs += 15 * 60_000;
    expect(await tick()).toMatchObject({ opened: 0, emailed: 0 });
    expect(mine().map((m) => m.parsed.subject)).toEqual(['Metric alert: NPS under 20']);

    await answers(workspace.id, survey.id, new Date(nowMs - 60_000), many(30, 10));
    expect(await tick()).toMatchObject({ closed: 1, emailed: 1 });
    expect(await tick()).toMatchObject({ opened: 0, closed: 0, emailed: 0 });

    // A week later the window is empty: too few answers decide nothing.
    nowMs += 8 * DAY;
    expect(await tick()).toMatchObject({ opened: 0, closed: 0 });
    await answers(workspace.id, survey.id, new Date(nowMs - 60_000), many(12, 2));
    expect(await tick()).toMatchObject({ opened: 1 });

    expect(mine().map((m) => m.parsed.subject)).toEqual([
      'Metric alert: NPS under 20',
      'Back to normal: NPS under 20',
      'Metric alert: NPS under 20',
    ]);
    expect(mine()[0]!.parsed.text).toContain('score: -20');
    const shown = await rule(adminKey, id);
    expect(shown.episodes).toHaveLength(2);
    expect(shown.state).toBe('alerting');
  });

  it('retries an alert email the mail server refused at the next tick, and sends it once', async () => {
    const { workspace, adminKey } = await buildWorkspace(world.ctx.db);
    const survey = await buildSurvey(world.ctx.db, workspace.id, { kind: 'csat' });
    await request(world.app)
      .post('/api/metric-alerts')
      .set(bearer(adminKey))
      .send({
        name: 'CSAT under 80 %',
        surveyId: survey.id,
        condition: 'below_threshold',
        windowDays: 7,
        threshold: 80,
        minResponses: 10,
        channel: 'email',
        email: 'flaky@example.com',
      })
      .expect(201);
    const mine = () => world.smtp.inbox.filter((m) => m.to.includes('flaky@example.com'));
    // 60 % satisfied (4–5 of 1–5).
    await answers(workspace.id, survey.id, new Date(nowMs - DAY), [...many(6, 5), ...many(4, 2)]);

    world.smtp.setPolicy((address) => (address === 'flaky@example.com' ? 451 : undefined));
    try {
      expect(await tick()).toMatchObject({ opened: 1, emailFailed: 1 });
    } finally {
      world.smtp.setPolicy(undefined);
    }
    expect(mine()).toHaveLength(0);
    expect(await tick()).toMatchObject({ opened: 0, emailed: 1, emailFailed: 0 });
    expect(await tick()).toMatchObject({ emailed: 0 });
    expect(mine().map((m) => m.parsed.subject)).toEqual(['Metric alert: CSAT under 80 %']);
    expect(mine()[0]!.parsed.text).toContain('score: 60');
  });

  it('compares a day with the same weekday of the past weeks when asked', async () => {
    const { workspace, adminKey } = await buildWorkspace(world.ctx.db);
    const survey = await buildSurvey(world.ctx.db, workspace.id, { kind: 'nps' });
    // Busy on this weekday (40), quiet on the others (5): today's 12 is low only for the weekday.
    for (let d = 1; d <= 56; d++) {
      const at = new Date(nowMs - d * DAY - 60_000);
      await answers(workspace.id, survey.id, at, many(d % 7 === 0 ? 40 + (d % 3) : 5, 9));
    }
    await answers(workspace.id, survey.id, new Date(nowMs - 60_000), many(12, 9));
    const make = async (sameWeekday: boolean) =>
      (
        await request(world.app)
          .post('/api/metric-alerts')
          .set(bearer(adminKey))
          .send({
            name: `Volume ${String(sameWeekday)}`,
            surveyId: survey.id,
            condition: 'low_volume',
            windowDays: 1,
            sameWeekday,
            limitMethod: 'poisson',
            channel: 'email',
            email: 'volume@example.com',
          })
          .expect(201)
      ).body.id as string;
    const weekday = await make(true);
    const allDays = await make(false);

    await tick();

    expect(await rule(adminKey, weekday)).toMatchObject({
      state: 'alerting',
      lastResult: { responses: 12, baselineMean: 41.1 },
    });
    expect((await rule(adminKey, allDays)).state).toBe('ok');
  });

  it('the drop rule fires on a significant drop, not on a small noisy dip', async () => {
    const { workspace, adminKey } = await buildWorkspace(world.ctx.db);
    const make = async (name: string) => {
      const survey = await buildSurvey(world.ctx.db, workspace.id, { kind: 'nps' });
      const res = await request(world.app)
        .post('/api/metric-alerts')
        .set(bearer(adminKey))
        .send({
          name,
          surveyId: survey.id,
          condition: 'significant_drop',
          windowDays: 7,
          channel: 'email',
          email: 'drops@example.com',
        })
        .expect(201);
      return { surveyId: survey.id, id: res.body.id as string };
    };
    const previous = [...many(25, 10), ...many(15, 7), ...many(10, 2)]; // NPS +30, n = 50
    const dip = await make('Dip');
    const drop = await make('Drop');
    for (const r of [dip, drop]) {
      await answers(workspace.id, r.surveyId, new Date(nowMs - 8 * DAY), previous);
    }
    // NPS +20: ten points lower, well inside the noise of 50 answers.
    await answers(workspace.id, dip.surveyId, new Date(nowMs - DAY), [
      ...many(22, 10),
      ...many(16, 7),
      ...many(12, 2),
    ]);
    // NPS −40.
    await answers(workspace.id, drop.surveyId, new Date(nowMs - DAY), [
      ...many(10, 10),
      ...many(10, 7),
      ...many(30, 2),
    ]);

    await tick();

    const dipped = await rule(adminKey, dip.id);
    expect(dipped.state).toBe('ok');
    expect(dipped.lastResult).toMatchObject({ firing: false, difference: expect.any(Number) });
    expect(dipped.lastResult.difference as number).toBeLessThan(-5);
    expect(dipped.lastResult.pValue as number).toBeGreaterThan(0.05);
    const dropped = await rule(adminKey, drop.id);
    expect(dropped.state).toBe('alerting');
    expect(dropped.lastResult.pValue as number).toBeLessThan(0.001);
  });
});

describe('POST /api/metric-alerts', () => {
  it('rejects bad input with 400 naming the field', async () => {
    const { workspace, adminKey } = await buildWorkspace(world.ctx.db);
    const survey = await buildSurvey(world.ctx.db, workspace.id, { kind: 'nps' });
    const base = { name: 'x', surveyId: survey.id, windowDays: 7, channel: 'email' };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...base, condition: 'below_threshold', email: 'a@example.com' }, 'threshold'],
      [{ ...base, condition: 'significant_drop' }, 'email'],
      [{ ...base, condition: 'low_volume', windowDays: 30, email: 'a@example.com' }, 'windowDays'],
      [{ ...base, condition: 'sometimes', email: 'a@example.com' }, 'condition'],
      [{ ...base, condition: 'low_volume', channel: 'chat' }, 'chatAlertRuleId'],
      [
        {
          ...base,
          condition: 'low_volume',
          channel: 'chat',
          chatAlertRuleId: '00000000-0000-4000-8000-000000000000',
        },
        'chatAlertRuleId',
      ],
      [
        {
          ...base,
          condition: 'low_volume',
          email: 'a@example.com',
          surveyId: '00000000-0000-4000-8000-000000000000',
        },
        'surveyId',
      ],
      [{ ...base, condition: 'low_volume', email: 'a@example.com', extra: 1 }, 'extra'],
    ];
    for (const [body, field] of cases) {
      const res = await request(world.app)
        .post('/api/metric-alerts')
        .set(bearer(adminKey))
        .send(body)
        .expect(400);
      expect(res.body.error.details).toEqual(
        expect.arrayContaining([expect.objectContaining({ field })]),
      );
    }
  });

  it('keeps another workspace’s rules invisible', async () => {
    const a = await buildWorkspace(world.ctx.db);
    const b = await buildWorkspace(world.ctx.db);
    const survey = await buildSurvey(world.ctx.db, a.workspace.id, { kind: 'nps' });
    const created = await request(world.app)
      .post('/api/metric-alerts')
      .set(bearer(a.adminKey))
      .send({
        name: 'Volume',
        surveyId: survey.id,
        condition: 'low_volume',
        windowDays: 1,
        channel: 'email',
        email: 'a@example.com',
      })
      .expect(201);
    const id = created.body.id as string;
    await request(world.app).get(`/api/metric-alerts/${id}`).set(bearer(b.adminKey)).expect(404);
    await request(world.app).delete(`/api/metric-alerts/${id}`).set(bearer(b.adminKey)).expect(404);
    const list = await request(world.app).get('/api/metric-alerts').set(bearer(b.adminKey));
    expect(list.body.data).toEqual([]);
    await request(world.app).get(`/api/metric-alerts/${id}`).set(bearer(a.adminKey)).expect(200);
  });
});

describe('PATCH /api/metric-alerts/:id', () => {
  it('changes the given fields, checks the merged rule, and keeps to its workspace', async () => {
    const { workspace, adminKey } = await buildWorkspace(world.ctx.db);
    const other = await buildWorkspace(world.ctx.db);
    const survey = await buildSurvey(world.ctx.db, workspace.id, { kind: 'nps' });
    const created = await request(world.app)
      .post('/api/metric-alerts')
      .set(bearer(adminKey))
      .send({
        name: 'Low NPS',
        surveyId: survey.id,
        condition: 'below_threshold',
        threshold: 20,
        windowDays: 7,
        channel: 'email',
        email: 'a@example.com',
      })
      .expect(201);
    const id = created.body.id as string;
    const path = `/api/metric-alerts/${id}`;

    const renamed = await request(world.app)
      .patch(path)
      .set(bearer(adminKey))
      .send({ name: 'Very low NPS', threshold: 5 })
      .expect(200);
    expect(renamed.body).toMatchObject({
      name: 'Very low NPS',
      threshold: 5,
      windowDays: 7,
      email: 'a@example.com',
    });

    // Away from below_threshold the old threshold goes; the volume window must be ≤ 7.
    const volume = await request(world.app)
      .patch(path)
      .set(bearer(adminKey))
      .send({ condition: 'low_volume', windowDays: 3 })
      .expect(200);
    expect(volume.body).toMatchObject({ condition: 'low_volume', threshold: null, windowDays: 3 });

    const cases: [Record<string, unknown>, string][] = [
      [{ windowDays: 30 }, 'windowDays'],
      [{ condition: 'below_threshold' }, 'threshold'],
      [{ channel: 'chat' }, 'chatAlertRuleId'],
      [{ surveyId: '00000000-0000-4000-8000-000000000000' }, 'surveyId'],
      [{ threshold: 500 }, 'threshold'],
      [{ extra: 1 }, 'extra'],
    ];
    for (const [body, field] of cases) {
      const res = await request(world.app).patch(path).set(bearer(adminKey)).send(body).expect(400);
      expect(res.body.error.details).toEqual(
        expect.arrayContaining([expect.objectContaining({ field })]),
      );
    }
    await request(world.app)
      .patch(path)
      .set(bearer(other.adminKey))
      .send({ name: 'theirs' })
      .expect(404);
    const stored = await request(world.app).get(path).set(bearer(adminKey)).expect(200);
    expect(stored.body).toMatchObject({ name: 'Very low NPS', condition: 'low_volume' });
  });
});
