import request from 'supertest';
import type { Clock } from '../../../src/clock';
import { bearer, buildSurvey, buildWorkspace } from '../../support/factories';
import { createTestWorld } from '../../support/test-context';
import type { TestWorld } from '../../support/test-context';

let world: TestWorld;
// Wednesday 2026-11-25 12:00 UTC; tests move it explicitly, never sleep.
const clock = {
  at: new Date('2026-11-25T12:00:00Z'),
  now() {
    return this.at;
  },
} satisfies Clock & { at: Date };

beforeAll(async () => {
  // NOTE: the public-page rate limit also applies to /api today (collector router); lift both here.
  world = await createTestWorld({
    clock,
    env: { RATE_LIMIT_SURVEY_PER_MINUTE: '100000', RATE_LIMIT_API_PER_MINUTE: '100000' },
  });
});
afterAll(async () => {
  await world.close();
});

const post = (key: string, body: object, idem?: string) => {
  const r = request(world.app).post('/api/events').set(bearer(key));
  return (idem ? r.set('Idempotency-Key', idem) : r).send(body);
};
const event = (email: string, extra: object = {}) => ({
  type: 'ticket.closed',
  contact: { email },
  ...extra,
});

describe('POST /api/events idempotency', () => {
  it('turns 100 concurrent identical posts into one event and one invitation', async () => {
    const { workspace, adminKey } = await buildWorkspace(world.ctx.db);
    await buildSurvey(world.ctx.db, workspace.id);
    const responses = await Promise.all(
      Array.from({ length: 100 }, () => post(adminKey, event('twin@example.com'), 'order-42')),
    );
    const ok = responses.filter((r) => r.status === 202);
    const inFlight = responses.filter((r) => r.status === 409);
    expect(
      responses.filter((r) => r.status !== 202 && r.status !== 409).map((r) => [r.status, r.body]),
    ).toEqual([]);
    expect(ok.length).toBeGreaterThanOrEqual(1);
    for (const r of inFlight) {
      expect(r.body.error.details[0].field).toBe('Idempotency-Key');
    }
    for (const r of ok) {
      expect(r.body).toEqual(ok[0]!.body);
    }
    const events = await world.ctx.db
      .selectFrom('events')
      .selectAll()
      .where('workspace_id', '=', workspace.id)
      .execute();
    const invitations = await world.ctx.db
      .selectFrom('invitations')
      .selectAll()
      .where('workspace_id', '=', workspace.id)
      .execute();
    expect(events).toHaveLength(1);
    expect(invitations).toHaveLength(1);
    // A later retry replays the stored answer.
    const again = await post(adminKey, event('twin@example.com'), 'order-42').expect(202);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(ok[0]!.body);
  });

  it('refuses the same key with a different body with 422 naming Idempotency-Key, changing nothing', async () => {
    const { workspace, adminKey } = await buildWorkspace(world.ctx.db);
    await buildSurvey(world.ctx.db, workspace.id);
    await post(adminKey, event('first@example.com'), 'k-1').expect(202);
    const res = await post(adminKey, event('second@example.com'), 'k-1').expect(422);
    expect(res.body.error).toMatchObject({
      code: 'idempotency_key_reused',
      details: [{ field: 'Idempotency-Key' }],
    });
    const contacts = await world.ctx.db
      .selectFrom('contacts')
      .select('email')
      .where('workspace_id', '=', workspace.id)
      .execute();
    expect(contacts.map((c) => c.email)).toEqual(['first@example.com']);
  });

  it('scopes keys per workspace and accepts the key as a body field', async () => {
    const a = await buildWorkspace(world.ctx.db);
    const b = await buildWorkspace(world.ctx.db);
    const first = await post(
      a.adminKey,
      event('x@example.com', { idempotencyKey: 'shared' }),
    ).expect(202);
    const second = await post(
      b.adminKey,
      event('x@example.com', { idempotencyKey: 'shared' }),
    ).expect(202);
    expect(second.body.event.id).not.toBe(first.body.event.id);
    expect(second.headers['idempotent-replayed']).toBeUndefined();
  });

  it('rejects a malformed key and CR/LF in header-bound fields with 400 naming the field', async () => {
    const { adminKey } = await buildWorkspace(world.ctx.db);
    const badKey = await post(adminKey, event('a@example.com'), 'has space').expect(400);
    expect(badKey.body.error.details[0].field).toBe('idempotency-key');
    const name = await post(adminKey, {
      type: 'ticket.closed',
      contact: { email: 'a@example.com', name: 'Ana\r\nBcc: evil@example.com' },
    }).expect(400);
    expect(name.body.error.details[0].field).toBe('contact.name');
    const email = await post(adminKey, {
      type: 'ticket.closed',
      contact: { email: 'a@example.com\nBcc: x@example.com' },
    }).expect(400);
    expect(email.body.error.details[0].field).toBe('contact.email');
  });
});

describe('POST /api/events/batch', () => {
  it('ingests a batch, replays it under the same header key and reports items separately', async () => {
    const { workspace, adminKey } = await buildWorkspace(world.ctx.db);
    await buildSurvey(world.ctx.db, workspace.id);
    const events = Array.from({ length: 300 }, (_, i) => event(`batch${i}@example.com`));
    const first = await request(world.app)
      .post('/api/events/batch')
      .set(bearer(adminKey))
      .set('Idempotency-Key', 'import-1')
      .send({ events })
      .expect(200);
    expect(first.body).toMatchObject({ accepted: 300, failed: 0 });
    expect(first.body.results[7]).toMatchObject({ index: 7, status: 202, replayed: false });
    const again = await request(world.app)
      .post('/api/events/batch')
      .set(bearer(adminKey))
      .set('Idempotency-Key', 'import-1')
      .send({ events })
      .expect(200);
    expect(again.body.results.every((r: { replayed: boolean }) => r.replayed)).toBe(true);
    const count = await world.ctx.db
      .selectFrom('invitations')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('workspace_id', '=', workspace.id)
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(300);
  });

  it('rejects the whole batch with 400 naming the bad item, and more than 1,000 items', async () => {
    const { adminKey } = await buildWorkspace(world.ctx.db);
    const bad = await request(world.app)
      .post('/api/events/batch')
      .set(bearer(adminKey))
      .send({ events: [event('ok@example.com'), event('not-an-email')] })
      .expect(400);
    expect(bad.body.error.details[0].field).toBe('events.1.contact.email');
    const tooMany = await request(world.app)
      .post('/api/events/batch')
      .set(bearer(adminKey))
      .send({ events: Array.from({ length: 1001 }, () => event('a@example.com')) })
      .expect(400);
    expect(tooMany.body.error.details[0].field).toBe('events');
  });

  it('answers 422 for one item whose key was used with another body, and 202 for the rest', async () => {
    const { adminKey } = await buildWorkspace(world.ctx.db);
    await post(adminKey, event('one@example.com'), 'dup').expect(202);
    const res = await request(world.app)
      .post('/api/events/batch')
      .set(bearer(adminKey))
      .send({
        events: [event('two@example.com', { idempotencyKey: 'dup' }), event('three@example.com')],
      })
      .expect(200);
    expect(res.body).toMatchObject({ accepted: 1, failed: 1 });
    expect(res.body.results[0]).toMatchObject({
      status: 422,
      error: { code: 'idempotency_key_reused' },
    });
  });
});

describe('eligibility rules', () => {
  it('gives exactly one invitation for 50 concurrent events of one contact (quiet period)', async () => {
    const { workspace, adminKey } = await buildWorkspace(world.ctx.db);
    await buildSurvey(world.ctx.db, workspace.id);
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        post(adminKey, event('busy@example.com', { properties: { n: i } })),
      ),
    );
    expect(responses.every((r) => r.status === 202)).toBe(true);
    const rows = await world.ctx.db
      .selectFrom('invitations')
      .select(['status', 'skip_reason'])
      .where('workspace_id', '=', workspace.id)
      .execute();
    expect(rows).toHaveLength(50);
    expect(rows.filter((r) => r.status === 'scheduled')).toHaveLength(1);
    expect(rows.filter((r) => r.skip_reason === 'quiet_period')).toHaveLength(49);
    const skipped = await request(world.app)
      .get('/api/invitations?status=skipped&reason=quiet_period&limit=100')
      .set(bearer(adminKey))
      .expect(200);
    expect(skipped.body.data).toHaveLength(49);
    const stats = await request(world.app)
      .get('/api/invitations/stats')
      .set(bearer(adminKey))
      .expect(200);
    expect(stats.body).toMatchObject({
      total: 50,
      byStatus: { scheduled: 1, skipped: 49 },
      skippedByReason: { quiet_period: 49 },
    });
  });

  it('invites again once the quiet period is over, and applies a survey’s own quiet period', async () => {
    const { workspace, adminKey } = await buildWorkspace(world.ctx.db);
    const survey = await buildSurvey(world.ctx.db, workspace.id);
    await world.ctx.db
      .updateTable('surveys')
      .set({ quiet_period_days: 7 })
      .where('id', '=', survey.id)
      .execute();
    const start = clock.at;
    try {
      const a = await post(adminKey, event('q@example.com')).expect(202);
      expect(a.body.invitations[0].status).toBe('scheduled');
      clock.at = new Date(start.getTime() + 6 * 86_400_000);
      const b = await post(adminKey, event('q@example.com')).expect(202);
      expect(b.body.invitations[0]).toMatchObject({
        status: 'skipped',
        skipReason: 'quiet_period',
      });
      clock.at = new Date(start.getTime() + 8 * 86_400_000);
      const c = await post(adminKey, event('q@example.com')).expect(202);
      expect(c.body.invitations[0].status).toBe('scheduled');
    } finally {
      clock.at = start;
    }
  });

  it('records skips for unsubscribed, bounced and paused, and samples deterministically', async () => {
    const { workspace, adminKey } = await buildWorkspace(world.ctx.db);
    const survey = await buildSurvey(world.ctx.db, workspace.id);
    await request(world.app)
      .post('/api/unsubscribes')
      .set(bearer(adminKey))
      .send({ email: 'gone@example.com' })
      .expect(201);
    await request(world.app)
      .post('/api/bounces')
      .set(bearer(adminKey))
      .send({ email: 'dead@example.com' })
      .expect(201);
    const u = await post(adminKey, event('gone@example.com')).expect(202);
    const d = await post(adminKey, event('dead@example.com')).expect(202);
    expect(u.body.invitations[0]).toMatchObject({ status: 'skipped', skipReason: 'unsubscribed' });
    expect(d.body.invitations[0]).toMatchObject({ status: 'skipped', skipReason: 'bounced' });

    await request(world.app)
      .patch(`/api/surveys/${survey.id}`)
      .set(bearer(adminKey))
      .send({ trigger: { samplingRate: 0.5 } })
      .expect(200);
    const sampled = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        post(adminKey, event(`s${i}@example.com`), `sample-${i}`),
      ),
    );
    const outcomes = sampled.map((r) => r.body.invitations[0].skipReason as string | null);
    expect(outcomes.filter((o) => o === 'sampled_out').length).toBeGreaterThan(5);
    expect(outcomes.filter((o) => o === null).length).toBeGreaterThan(5);
    // The same request sampled again (after the key is gone) decides the same way.
    await world.ctx.db.deleteFrom('invitations').where('workspace_id', '=', workspace.id).execute();
    await world.ctx.db.deleteFrom('events').where('workspace_id', '=', workspace.id).execute();
    const again = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        post(adminKey, event(`s${i}@example.com`), `sample-${i}`),
      ),
    );
    expect(again.map((r) => r.body.invitations[0].skipReason === 'sampled_out')).toEqual(
      outcomes.map((o) => o === 'sampled_out'),
    );

    await request(world.app)
      .post(`/api/surveys/${survey.id}/pause`)
      .set(bearer(adminKey))
      .expect(200);
    const p = await post(adminKey, event('late@example.com')).expect(202);
    expect(p.body.invitations[0]).toMatchObject({ status: 'skipped', skipReason: 'survey_paused' });
  });

  it('stops at the daily quota under concurrency, counts the rest and starts again the next day', async () => {
    const { workspace, adminKey } = await buildWorkspace(world.ctx.db);
    await buildSurvey(world.ctx.db, workspace.id);
    await world.ctx.db
      .updateTable('workspaces')
      .set({ daily_send_quota: 10, manager_recipients: ['ops@example.com'] })
      .where('id', '=', workspace.id)
      .execute();
    const mailsBefore = world.smtp.inbox.length;
    await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        post(adminKey, event(`quota${i}@example.com`)).expect(202),
      ),
    );
    const stats = await request(world.app)
      .get('/api/invitations/stats')
      .set(bearer(adminKey))
      .expect(200);
    expect(stats.body.byStatus.scheduled).toBe(10);
    expect(stats.body.skippedByReason.quota_exceeded).toBe(15);
    const counter = await world.ctx.db
      .selectFrom('daily_send_counts')
      .selectAll()
      .where('workspace_id', '=', workspace.id)
      .executeTakeFirstOrThrow();
    expect(counter).toMatchObject({ invited: 10, over_quota: 15 });
    // Alerted once: one email to the managers, one count on /metrics.
    const [alert] = (await world.smtp.waitForMails(mailsBefore + 1)).slice(mailsBefore);
    expect(alert!.to).toEqual(['ops@example.com']);
    expect(alert!.parsed.subject).toContain('daily send quota reached (10 invitations');
    const metrics = await request(world.app).get('/metrics').expect(200);
    expect(metrics.text).toMatch(/^glas_quota_alerts_total 1$/m);
    const start = clock.at;
    try {
      clock.at = new Date(start.getTime() + 86_400_000);
      const next = await post(adminKey, event('tomorrow@example.com')).expect(202);
      expect(next.body.invitations[0].status).toBe('scheduled');
    } finally {
      clock.at = start;
    }
  });

  it('schedules the send at the next opening of the window in the contact’s time zone', async () => {
    const { workspace, adminKey } = await buildWorkspace(world.ctx.db);
    const survey = await buildSurvey(world.ctx.db, workspace.id);
    await request(world.app)
      .patch(`/api/surveys/${survey.id}`)
      .set(bearer(adminKey))
      .send({
        trigger: {
          delaySeconds: 3600,
          sendWindow: { days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '18:00' },
        },
      })
      .expect(200);
    const start = clock.at;
    try {
      clock.at = new Date('2026-11-27T17:30:00Z'); // Friday 18:30 in Zagreb, 00:30 Saturday in HCMC
      const zagreb = await post(adminKey, {
        type: 'ticket.closed',
        contact: { email: 'zg@example.com', timeZone: 'Europe/Zagreb' },
      }).expect(202);
      const hcmc = await post(adminKey, {
        type: 'ticket.closed',
        contact: { email: 'hcm@example.com', timeZone: 'Asia/Ho_Chi_Minh' },
      }).expect(202);
      const ny = await post(adminKey, {
        type: 'ticket.closed',
        contact: { email: 'ny@example.com', timeZone: 'America/New_York' },
      }).expect(202);
      expect(zagreb.body.invitations[0].sendAt).toBe('2026-11-30T08:00:00.000Z');
      expect(hcmc.body.invitations[0].sendAt).toBe('2026-11-30T02:00:00.000Z');
      // 12:30 + 1 h delay in New York is inside the window.
      expect(ny.body.invitations[0].sendAt).toBe('2026-11-27T18:30:00.000Z');
    } finally {
      clock.at = start;
    }
  });
});
