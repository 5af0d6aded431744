import request from 'supertest';
import { markInvitationHanded } from '../../../src/dispatch/invitation.repository';
import { deliverInvitation, reconcileInvitations } from '../../../src/dispatch/invitation.service';
import { hashToken, newToken } from '../../../src/platform/tokens';
import { bearer, buildSurvey, buildWorkspace } from '../../support/factories';
import { createTestWorld } from '../../support/test-context';
import type { TestWorld } from '../../support/test-context';

// An invitation is "maybe sent" only from its hand-off to SMTP (handed_at); before that, a
// claim whose worker died is released and sent again, and a lapsed claim can never send.
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

describe('claims with honest states', () => {
  it('records the hand-off with the Message-ID the mail carries', async () => {
    const inv = await scheduled('handed@example.com');
    expect(await deliverInvitation(deps(), inv.workspaceId, inv.id)).toBe('sent');
    const row = await rowOf(inv.id);
    expect(row.handed_at).toBeInstanceOf(Date);
    const [mail] = await world.smtp.waitForMails(1);
    expect(mail?.parsed.messageId).toBe(row.message_id);
    expect(row.message_id).toMatch(/^<[0-9a-f-]{36}@[^>]+>$/);
  });

  it('lets a lapsed claim send nothing once another worker took the row', async () => {
    const inv = await scheduled('lapsed-claim@example.com');
    // Worker A claimed with its token and stalled before the hand-off.
    const tokenA = newToken();
    const past = new Date(Date.now() - 3_600_000);
    await world.ctx.db
      .updateTable('invitations')
      .set({ status: 'sending', claimed_at: past, token_hash: hashToken(tokenA) })
      .where('id', '=', inv.id)
      .execute();
    const result = await reconcileInvitations(world.ctx.db, world.ctx.clock, {
      sendingTimeoutMs: 600_000,
      overdueMs: 600_000,
      giveUpHours: 72,
      claimLeaseMs: 60_000,
    });
    expect(result.released).toBe(1);
    expect((await rowOf(inv.id)).status).toBe('scheduled');
    // Worker B sends it; A wakes up and may not hand anything to SMTP.
    const before = world.smtp.inbox.length;
    expect(await deliverInvitation(deps(), inv.workspaceId, inv.id)).toBe('sent');
    expect(
      await markInvitationHanded(world.ctx.db, inv.id, hashToken(tokenA), '<a@x>', new Date()),
    ).toBe(false);
    await world.smtp.waitForMails(before + 1);
    expect(world.smtp.inbox.filter((m) => m.invitationId === inv.id)).toHaveLength(1);
  });

  it('never releases a send that was handed to SMTP', async () => {
    const inv = await scheduled('handed-stuck@example.com');
    const past = new Date(Date.now() - 3_600_000);
    await world.ctx.db
      .updateTable('invitations')
      .set({ status: 'sending', claimed_at: past, handed_at: past })
      .where('id', '=', inv.id)
      .execute();
    const result = await reconcileInvitations(world.ctx.db, world.ctx.clock, {
      sendingTimeoutMs: 600_000,
      overdueMs: 600_000,
      giveUpHours: 72,
      claimLeaseMs: 1000,
    });
    expect(result).toMatchObject({ released: 0, sendUnknown: 1 });
    expect((await rowOf(inv.id)).status).toBe('send_unknown');
  });
});
