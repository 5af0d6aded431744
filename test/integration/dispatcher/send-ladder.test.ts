import request from 'supertest';
import { TransientSendError, deliverInvitation } from '../../../src/dispatch/invitation.service';
import { deliverReminder } from '../../../src/dispatch/reminder.service';
import { bearer, buildSurvey, buildWorkspace } from '../../support/factories';
import type { RcptPolicy } from '../../support/smtp';
import { createTestWorld } from '../../support/test-context';
import type { TestWorld } from '../../support/test-context';

// Invitations and reminders go down one send ladder (sendClaimed): the same SMTP answer must
// end the same way for both, each on its own status column. The jobs are called directly
// (no workers), so every attempt and its outcome are visible.

let world: TestWorld;

beforeAll(async () => {
  world = await createTestWorld();
});
afterAll(async () => {
  await world.close();
});

const deps = () => ({ ...world.ctx, publicUrl: world.ctx.config.PUBLIC_URL, giveUpHours: 72 });

const rowOf = (id: string) =>
  world.ctx.db.selectFrom('invitations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

const contactOf = (email: string) =>
  world.ctx.db
    .selectFrom('contacts')
    .selectAll()
    .where('email', '=', email)
    .executeTakeFirstOrThrow();

async function withSmtpPolicy<T>(policy: RcptPolicy, run: () => Promise<T>): Promise<T> {
  world.smtp.setPolicy(policy);
  try {
    return await run();
  } finally {
    world.smtp.setPolicy(undefined);
  }
}

/** A scheduled invitation for `email` in a fresh workspace. */
async function scheduled(email: string) {
  const { workspace, adminKey } = await buildWorkspace(world.ctx.db);
  await buildSurvey(world.ctx.db, workspace.id);
  const res = await request(world.app)
    .post('/api/events')
    .set(bearer(adminKey))
    .send({ type: 'ticket.closed', contact: { email } })
    .expect(202);
  return { workspaceId: workspace.id, id: res.body.invitations[0].id as string };
}

/** A sent invitation whose reminder is scheduled, as scheduleReminders leaves it. */
async function reminderDue(email: string) {
  const inv = await scheduled(email);
  await world.ctx.db
    .updateTable('invitations')
    .set({ status: 'sent', sent_at: new Date(), reminder_status: 'scheduled' })
    .where('id', '=', inv.id)
    .execute();
  return inv;
}

type Deliver = typeof deliverInvitation;
const ladders: [
  string,
  (email: string) => Promise<{ workspaceId: string; id: string }>,
  Deliver,
  'status' | 'reminder_status',
][] = [
  ['invitation', scheduled, deliverInvitation, 'status'],
  ['reminder', reminderDue, deliverReminder, 'reminder_status'],
];

describe.each(ladders)('the %s send ladder', (kind, prepare, deliver, column) => {
  it('puts a transient refusal back to scheduled and throws for the queue to retry', async () => {
    const email = `busy-${kind}@example.com`;
    const { workspaceId, id } = await prepare(email);
    await withSmtpPolicy(
      (addr) => (addr === email ? 451 : undefined),
      () => expect(deliver(deps(), workspaceId, id)).rejects.toBeInstanceOf(TransientSendError),
    );
    const row = await rowOf(id);
    expect(row[column]).toBe('scheduled');
    expect(row.last_error).toMatch(/451/);
    expect(row.last_error).not.toContain(email);
    // The retry claims the row again and sends it.
    expect(await deliver(deps(), workspaceId, id)).toBe('sent');
    expect((await rowOf(id))[column]).toBe('sent');
  });

  it('ends as failed when the last attempt meets a transient refusal', async () => {
    const email = `always-busy-${kind}@example.com`;
    const { workspaceId, id } = await prepare(email);
    const outcome = await withSmtpPolicy(
      (addr) => (addr === email ? 452 : undefined),
      () => deliver(deps(), workspaceId, id, { finalAttempt: true }),
    );
    expect(outcome).toBe('failed');
    expect((await rowOf(id))[column]).toBe('failed');
    expect(await deliver(deps(), workspaceId, id)).toBe('already_handled');
  });

  it('marks a permanent refusal bounced together with the contact, never retried', async () => {
    const email = `nobody-${kind}@example.com`;
    const { workspaceId, id } = await prepare(email);
    const outcome = await withSmtpPolicy(
      (addr) => (addr === email ? 550 : undefined),
      () => deliver(deps(), workspaceId, id),
    );
    expect(outcome).toBe('bounced');
    const row = await rowOf(id);
    expect(row[column]).toBe('bounced');
    expect(row.last_error).toMatch(/550/);
    const contact = await contactOf(email);
    expect(contact.bounced_at).not.toBeNull();
    expect(contact.bounce_reason).toBe(row.last_error);
    expect(await deliver(deps(), workspaceId, id)).toBe('already_handled');
  });

  it('records an accepted mail as sent with its time', async () => {
    const email = `fine-${kind}@example.com`;
    const { workspaceId, id } = await prepare(email);
    const before = Date.now();
    expect(await deliver(deps(), workspaceId, id)).toBe('sent');
    const row = await rowOf(id);
    expect(row[column]).toBe('sent');
    const at = column === 'status' ? row.sent_at : row.reminder_sent_at;
    expect(at!.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(world.smtp.inbox.filter((m) => m.invitationId === id)).toHaveLength(1);
  });
});
