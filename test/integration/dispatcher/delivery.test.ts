import { generateKeyPairSync } from 'node:crypto';
import request from 'supertest';
import { reconcileInvitations } from '../../../src/dispatch/invitation.service';
import { scheduleReminders } from '../../../src/dispatch/reminder.service';
import { bearer, buildSurvey, buildWorkspace } from '../../support/factories';
import type { RcptPolicy } from '../../support/smtp';
import { createTestWorld } from '../../support/test-context';
import type { TestWorld } from '../../support/test-context';
import { waitFor } from '../../support/wait';

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

let world: TestWorld;

beforeAll(async () => {
  world = await createTestWorld({
    env: {
      RATE_LIMIT_SURVEY_PER_MINUTE: '100000',
      SEND_ATTEMPTS: '4',
      SEND_BACKOFF_MS: '20',
      DKIM_DOMAIN: 'glas.test',
      DKIM_SELECTOR: 'mail2026',
      DKIM_PRIVATE_KEY: pem.replace(/\n/g, '\\n'),
    },
  });
  world.startWorkers();
});
afterAll(async () => {
  await world.close();
});

const statusOf = (id: string) =>
  world.ctx.db.selectFrom('invitations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

async function invite(adminKey: string, email: string) {
  const res = await request(world.app)
    .post('/api/events')
    .set(bearer(adminKey))
    .send({ type: 'ticket.closed', contact: { email, name: 'Ana' } })
    .expect(202);
  return res.body.invitations[0].id as string;
}

const mailsFor = (id: string) => world.smtp.inbox.filter((m) => m.invitationId === id);

/** Posts an event for `email`, relays it, and waits for its invitation to reach `status`. */
async function inviteUntil(adminKey: string, email: string, status: string) {
  const id = await invite(adminKey, email);
  await world.relay();
  const row = await waitFor(
    async () => {
      const r = await statusOf(id);
      return r.status === status ? r : undefined;
    },
    { what: `invitation ${id} to be ${status}` },
  );
  return { id, row };
}

/**
 * Runs `run` while the test SMTP server answers RCPT TO with `policy`. The reset is in `finally`
 * so a failed wait cannot leave the policy on for the tests that follow in this file.
 */
async function withSmtpPolicy<T>(policy: RcptPolicy, run: () => Promise<T>): Promise<T> {
  world.smtp.setPolicy(policy);
  try {
    return await run();
  } finally {
    world.smtp.setPolicy(undefined);
  }
}

describe('delivery', () => {
  it('retries 451 with backoff until delivered, once', async () => {
    const { workspace, adminKey } = await buildWorkspace(world.ctx.db);
    await buildSurvey(world.ctx.db, workspace.id);
    let refusals = 0;
    const { id, row } = await withSmtpPolicy(
      (addr) => (addr === 'slow@example.com' && refusals++ < 2 ? 451 : undefined),
      () => inviteUntil(adminKey, 'slow@example.com', 'sent'),
    );
    expect(row.attempts).toBe(3);
    expect(mailsFor(id)).toHaveLength(1);
  });

  it('marks a 550 bounced, suppresses the contact, never retries, and skips later events', async () => {
    const { workspace, adminKey } = await buildWorkspace(world.ctx.db);
    await buildSurvey(world.ctx.db, workspace.id);
    const { id, row } = await withSmtpPolicy(
      (addr) => (addr === 'nobody@example.com' ? 550 : undefined),
      () => inviteUntil(adminKey, 'nobody@example.com', 'bounced'),
    );
    expect(row.attempts).toBe(1);
    expect(mailsFor(id)).toHaveLength(0);
    const bounces = await request(world.app).get('/api/bounces').set(bearer(adminKey)).expect(200);
    expect(bounces.body.data).toHaveLength(1);
    expect(bounces.body.data[0].email).toBe('nobody@example.com');
    await world.ctx.db
      .updateTable('workspaces')
      .set({ quiet_period_days: 0 })
      .where('id', '=', workspace.id)
      .execute();
    const next = await request(world.app)
      .post('/api/events')
      .set(bearer(adminKey))
      .send({ type: 'ticket.closed', contact: { email: 'nobody@example.com' } })
      .expect(202);
    expect(next.body.invitations[0]).toMatchObject({ status: 'skipped', skipReason: 'bounced' });
  });

  it('ends as failed after the last transient attempt instead of looping', async () => {
    const { workspace, adminKey } = await buildWorkspace(world.ctx.db);
    await buildSurvey(world.ctx.db, workspace.id);
    const { row } = await withSmtpPolicy(
      (addr) => (addr === 'always-busy@example.com' ? 452 : undefined),
      () => inviteUntil(adminKey, 'always-busy@example.com', 'failed'),
    );
    expect(row.attempts).toBe(4);
    expect(row.last_error).not.toContain('always-busy@example.com');
  });

  it('carries RFC 8058 headers under a DKIM signature; POST unsubscribes, GET does not', async () => {
    const { workspace, adminKey } = await buildWorkspace(world.ctx.db);
    await buildSurvey(world.ctx.db, workspace.id);
    const id = await invite(adminKey, 'reader@example.com');
    await world.relay();
    const mail = await waitFor(() => mailsFor(id)[0], { what: 'the invitation mail' });
    const unfolded = mail.raw.replace(/\r?\n[ \t]+/g, ' ');
    expect(unfolded).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r?$/m);
    const url = /^List-Unsubscribe: <(https?:\/\/[^>]+)>\r?$/m.exec(unfolded)![1]!;
    const dkim = /^DKIM-Signature: (.*)$/m.exec(unfolded)![1]!;
    expect(dkim).toMatch(/d=glas\.test/);
    expect(dkim).toMatch(/s=mail2026/);
    const signed = /(?:^|;\s*)h=([^;]+)/
      .exec(dkim)![1]!
      .toLowerCase()
      .replace(/\s/g, '')
      .split(':');
    expect(signed).toEqual(
      expect.arrayContaining(['list-unsubscribe', 'list-unsubscribe-post', 'from', 'subject']),
    );
    expect(String(mail.parsed.text)).toContain(url);

    const path = new URL(url).pathname;
    const page = await request(world.app).get(path).expect(200);
    expect(page.text).toMatch(/<form[^>]+method="post"/i);
    const contact = await world.ctx.db
      .selectFrom('contacts')
      .selectAll()
      .where('email', '=', 'reader@example.com')
      .executeTakeFirstOrThrow();
    expect(contact.unsubscribed_at).toBeNull();

    // Mail software posts without cookies, form-encoded or multipart; no redirect, ever.
    const post = await request(world.app)
      .post(path)
      .type('form')
      .send('List-Unsubscribe=One-Click');
    expect(post.status).toBe(200);
    expect(post.headers.location).toBeUndefined();
    const again = await request(world.app).post(path).field('List-Unsubscribe', 'One-Click');
    expect(again.status).toBe(200);
    const after = await world.ctx.db
      .selectFrom('contacts')
      .selectAll()
      .where('id', '=', contact.id)
      .executeTakeFirstOrThrow();
    expect(after.unsubscribed_at).not.toBeNull();
    const list = await request(world.app)
      .get('/api/unsubscribes')
      .set(bearer(adminKey))
      .expect(200);
    expect(list.body.data.map((u: { contactId: string }) => u.contactId)).toEqual([contact.id]);
  });

  it('re-checks at send time: an unsubscribe after scheduling stops the mail', async () => {
    const { workspace, adminKey } = await buildWorkspace(world.ctx.db);
    await buildSurvey(world.ctx.db, workspace.id);
    const id = await invite(adminKey, 'changed-mind@example.com');
    await request(world.app)
      .post('/api/unsubscribes')
      .set(bearer(adminKey))
      .send({ email: 'changed-mind@example.com' })
      .expect(201);
    await world.relay();
    const row = await waitFor(
      async () => {
        const r = await statusOf(id);
        return r.status === 'skipped' ? r : undefined;
      },
      { what: `invitation ${id} to be skipped` },
    );
    expect(row.skip_reason).toBe('unsubscribed');
    expect(mailsFor(id)).toHaveLength(0);
  });

  it('sends one reminder with a second working link, never after an answer', async () => {
    const { workspace, adminKey } = await buildWorkspace(world.ctx.db);
    const survey = await buildSurvey(world.ctx.db, workspace.id);
    await request(world.app)
      .patch(`/api/surveys/${survey.id}`)
      .set(bearer(adminKey))
      .send({ reminderAfterDays: 3 })
      .expect(200);
    await world.ctx.db
      .updateTable('workspaces')
      .set({ quiet_period_days: 0 })
      .where('id', '=', workspace.id)
      .execute();
    const silent = await invite(adminKey, 'silent@example.com');
    const answered = await invite(adminKey, 'answered@example.com');
    await world.relay();
    const first = await waitFor(() => mailsFor(answered)[0], { what: 'the mail to answered@' });
    await waitFor(() => mailsFor(silent)[0], { what: 'the mail to silent@' });
    const link = /http:\/\/glas\.test(\/s\/[A-Za-z0-9_-]+)/.exec(String(first.parsed.text))![1]!;
    // Answered = the survey form was submitted (a bare link fetch may be a mail scanner).
    await request(world.app).post(link).type('form').send({ score: '9' }).expect(200);

    const clock = { now: () => new Date() };
    expect(await scheduleReminders(world.ctx.db, clock)).toBe(0);
    // Four days pass (sent_at moves back rather than the clock forward, so the relay agrees).
    await world.ctx.db
      .updateTable('invitations')
      .set({ sent_at: new Date(Date.now() - 4 * 86_400_000) })
      .where('id', 'in', [silent, answered])
      .execute();
    expect(await scheduleReminders(world.ctx.db, clock)).toBe(1);
    expect(await scheduleReminders(world.ctx.db, clock)).toBe(0);
    await world.relay();
    const reminder = await waitFor(() => mailsFor(silent)[1], { what: 'the reminder to silent@' });
    expect(reminder.headers.get('x-glas-reminder')).toBe('1');
    expect(reminder.parsed.subject).toMatch(/^Reminder: /);
    expect(mailsFor(silent)[0]!.parsed.subject).not.toMatch(/^Reminder: /);
    const second = /http:\/\/glas\.test(\/s\/[A-Za-z0-9_-]+)/.exec(
      String(reminder.parsed.text),
    )![1]!;
    const original = /http:\/\/glas\.test(\/s\/[A-Za-z0-9_-]+)/.exec(
      String(mailsFor(silent)[0]!.parsed.text),
    )![1]!;
    expect(second).not.toBe(original);
    await request(world.app).post(second).type('form').send({ score: '7' }).expect(200);
    await request(world.app).post(original).type('form').send({ score: '8' }).expect(200);
    const responses = await world.ctx.db
      .selectFrom('responses')
      .selectAll()
      .where('invitation_id', '=', silent)
      .execute();
    expect(responses).toHaveLength(1);
    expect(mailsFor(answered)).toHaveLength(1);
    const dto = await request(world.app)
      .get(`/api/invitations/${silent}`)
      .set(bearer(adminKey))
      .expect(200);
    expect(dto.body.reminder).toMatchObject({ status: 'sent' });
  });
});

describe('reconciler', () => {
  it('turns a stale handed send into send_unknown, never resends it, and sends again what never reached SMTP', async () => {
    const { workspace, adminKey } = await buildWorkspace(world.ctx.db);
    await buildSurvey(world.ctx.db, workspace.id);
    await world.ctx.db
      .updateTable('workspaces')
      .set({ quiet_period_days: 0 })
      .where('id', '=', workspace.id)
      .execute();
    const stuck = await invite(adminKey, 'stuck@example.com');
    const lost = await invite(adminKey, 'lost@example.com');
    const lapsed = await invite(adminKey, 'lapsed@example.com');
    // A worker died after handing `stuck` to SMTP, and another after claiming `lapsed` but
    // before the hand-off; `lost` was relayed but its job vanished with Redis.
    const past = new Date(Date.now() - 3_600_000);
    await world.ctx.db
      .updateTable('invitations')
      .set({ status: 'sending', claimed_at: past, handed_at: past })
      .where('id', '=', stuck)
      .execute();
    await world.ctx.db
      .updateTable('invitations')
      .set({ status: 'sending', claimed_at: past, handed_at: null, send_at: past })
      .where('id', '=', lapsed)
      .execute();
    await world.ctx.db
      .updateTable('invitations')
      .set({ send_at: past })
      .where('id', '=', lost)
      .execute();
    await world.ctx.db
      .updateTable('outbox')
      .set({ published_at: past })
      .where('aggregate_id', 'in', [stuck, lost, lapsed])
      .execute();
    const result = await reconcileInvitations(
      world.ctx.db,
      { now: () => new Date() },
      {
        sendingTimeoutMs: 60_000,
        overdueMs: 60_000,
        giveUpHours: 72,
        claimLeaseMs: 60_000,
      },
    );
    expect(result).toMatchObject({ sendUnknown: 1, released: 1, requeued: 2 });
    await world.relay();
    await waitFor(() => mailsFor(lost)[0], { what: 'the requeued mail to lost@' });
    // Nothing of `lapsed` reached SMTP: it is sent once, now.
    await waitFor(() => mailsFor(lapsed)[0], { what: 'the released mail to lapsed@' });
    expect(mailsFor(lapsed)).toHaveLength(1);
    expect((await statusOf(lapsed)).status).toBe('sent');
    expect((await statusOf(stuck)).status).toBe('send_unknown');
    expect(mailsFor(stuck)).toHaveLength(0);
    const unknown = await request(world.app)
      .get('/api/invitations?status=send_unknown')
      .set(bearer(adminKey))
      .expect(200);
    expect(unknown.body.data.map((i: { id: string }) => i.id)).toEqual([stuck]);
  });

  it('expires a scheduled invitation past the give-up time instead of sending it late', async () => {
    const { workspace, adminKey } = await buildWorkspace(world.ctx.db);
    await buildSurvey(world.ctx.db, workspace.id);
    const id = await invite(adminKey, 'too-late@example.com');
    await world.ctx.db
      .updateTable('invitations')
      .set({ send_at: new Date(Date.now() - 80 * 3_600_000) })
      .where('id', '=', id)
      .execute();
    const result = await reconcileInvitations(
      world.ctx.db,
      { now: () => new Date() },
      {
        sendingTimeoutMs: 60_000,
        overdueMs: 60_000,
        giveUpHours: 72,
        claimLeaseMs: 60_000,
      },
    );
    expect(result.expired).toBe(1);
    await world.relay();
    expect((await statusOf(id)).status).toBe('expired');
  });
});
