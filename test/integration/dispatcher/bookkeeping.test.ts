import { sql } from 'kysely';
import request from 'supertest';
import { deliverInvitation, reconcileInvitations } from '../../../src/dispatch/invitation.service';
import { bearer, buildSurvey, buildWorkspace } from '../../support/factories';
import { createTestWorld } from '../../support/test-context';
import type { TestWorld } from '../../support/test-context';

let world: TestWorld;

beforeAll(async () => {
  world = await createTestWorld();
});
afterAll(async () => {
  await world.close();
});

// docs/reliability.md: once the SMTP server has accepted a mail, a failure to record it must leave
// the row in `sending` (later `send_unknown`), never put it back to `scheduled` to be resent.
describe('a database failure right after the SMTP server accepted the mail', () => {
  it('is never resent: the invitation ends as send_unknown and one mail arrives', async () => {
    const { workspace, adminKey } = await buildWorkspace(world.ctx.db);
    await buildSurvey(world.ctx.db, workspace.id);
    const accepted = await request(world.app)
      .post('/api/events')
      .set(bearer(adminKey))
      .send({ type: 'ticket.closed', contact: { email: 'once@example.com' } })
      .expect(202);
    const invitationId = accepted.body.invitations[0].id as string;

    // The first attempt to mark the row `sent` fails, as a dropped connection would. A
    // sequence is not rolled back with the failed statement, so it fails exactly once.
    await sql`create sequence sent_failures`.execute(world.ctx.db);
    await sql`
      create function fail_first_sent() returns trigger language plpgsql as $$
      begin
        if new.status = 'sent' and old.status = 'sending' and nextval('sent_failures') = 1 then
          raise exception 'simulated outage';
        end if;
        return new;
      end $$`.execute(world.ctx.db);
    await sql`create trigger invitations_fail_first_sent before update on invitations
      for each row execute function fail_first_sent()`.execute(world.ctx.db);

    const deps = { ...world.ctx, publicUrl: world.ctx.config.PUBLIC_URL, giveUpHours: 72 };
    await expect(deliverInvitation(deps, workspace.id, invitationId)).rejects.toThrow(
      'simulated outage',
    );
    await world.smtp.waitForMails(1);
    // BullMQ retries the job: the row is not `scheduled` any more, so nothing is sent again.
    expect(await deliverInvitation(deps, workspace.id, invitationId)).toBe('already_handled');

    await reconcileInvitations(world.ctx.db, world.ctx.clock, {
      sendingTimeoutMs: 0,
      overdueMs: 0,
      giveUpHours: 72,
      claimLeaseMs: 0,
    });
    const row = await world.ctx.db
      .selectFrom('invitations')
      .select('status')
      .where('id', '=', invitationId)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('send_unknown');
    expect(await deliverInvitation(deps, workspace.id, invitationId)).toBe('already_handled');
    expect(world.smtp.inbox.filter((m) => m.invitationId === invitationId)).toHaveLength(1);
  });

  it('is recorded as sent once the connection is back, when the failure was a lost connection', async () => {
    const { workspace, adminKey } = await buildWorkspace(world.ctx.db);
    await buildSurvey(world.ctx.db, workspace.id);
    const accepted = await request(world.app)
      .post('/api/events')
      .set(bearer(adminKey))
      .send({ type: 'ticket.closed', contact: { email: 'known@example.com' } })
      .expect(202);
    const invitationId = accepted.body.invitations[0].id as string;

    // The first two writes of `sent` fail with Postgres's connection_failure (08006), as a
    // cut mid-statement reports it; the worker knows the server has the mail and retries.
    await sql`create sequence lost_connections`.execute(world.ctx.db);
    await sql`
      create function lose_first_sent() returns trigger language plpgsql as $$
      begin
        if new.status = 'sent' and old.status = 'sending' and nextval('lost_connections') <= 2 then
          raise exception 'connection lost' using errcode = '08006';
        end if;
        return new;
      end $$`.execute(world.ctx.db);
    await sql`create trigger invitations_lose_first_sent before update on invitations
      for each row execute function lose_first_sent()`.execute(world.ctx.db);
    try {
      const deps = { ...world.ctx, publicUrl: world.ctx.config.PUBLIC_URL, giveUpHours: 72 };
      expect(await deliverInvitation(deps, workspace.id, invitationId)).toBe('sent');
      const row = await world.ctx.db
        .selectFrom('invitations')
        .select(['status', 'sent_at', 'message_id'])
        .where('id', '=', invitationId)
        .executeTakeFirstOrThrow();
      expect(row.status).toBe('sent');
      expect(row.message_id).toMatch(/^<.+@.+>$/);
      await world.smtp.waitForMails(2);
      expect(world.smtp.inbox.filter((m) => m.invitationId === invitationId)).toHaveLength(1);
    } finally {
      await sql`drop trigger invitations_lose_first_sent on invitations`.execute(world.ctx.db);
    }
  });
});
