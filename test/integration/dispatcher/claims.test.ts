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

  it('lets an operator resend a send_unknown with the same Message-ID, both links valid', async () => {
    const { workspace, adminKey } = await buildWorkspace(world.ctx.db);
    await buildSurvey(world.ctx.db, workspace.id);
    const res = await request(world.app)
      .post('/api/events')
      .set(bearer(adminKey))
      .send({ type: 'ticket.closed', contact: { email: 'unknown@example.com' } })
      .expect(202);
    const id = res.body.invitations[0].id as string;
    expect(await deliverInvitation(deps(), workspace.id, id)).toBe('sent');
    const first = world.smtp.inbox.find((m) => m.invitationId === id)!;
    const firstToken = /\/s\/([A-Za-z0-9_-]{20,100})/.exec(first.raw)![1]!;
    // As the reconciler leaves a send whose worker died after the hand-off.
    await world.ctx.db
      .updateTable('invitations')
      .set({ status: 'send_unknown', sent_at: null })
      .where('id', '=', id)
      .execute();
    const metrics = await request(world.app).get('/metrics').expect(200);
    expect(metrics.text).toMatch(/^glas_invitations_send_unknown [1-9]\d*$/m);

    const other = await buildWorkspace(world.ctx.db);
    await request(world.app)
      .post(`/api/invitations/${id}/resend`)
      .set(bearer(other.adminKey))
      .expect(404);
    const resent = await request(world.app)
      .post(`/api/invitations/${id}/resend`)
      .set(bearer(adminKey))
      .expect(202);
    expect(resent.body.status).toBe('scheduled');
    await request(world.app)
      .post(`/api/invitations/${id}/resend`)
      .set(bearer(adminKey))
      .expect(409);

    expect(await deliverInvitation(deps(), workspace.id, id)).toBe('sent');
    const mails = world.smtp.inbox.filter((m) => m.invitationId === id);
    expect(mails).toHaveLength(2);
    expect(mails[1]!.parsed.messageId).toBe(first.parsed.messageId);
    const secondToken = /\/s\/([A-Za-z0-9_-]{20,100})/.exec(mails[1]!.raw)![1]!;
    expect(secondToken).not.toBe(firstToken);
    await request(world.app).get(`/s/${firstToken}`).expect(200);
    await request(world.app).get(`/s/${secondToken}`).expect(200);
  });
});
