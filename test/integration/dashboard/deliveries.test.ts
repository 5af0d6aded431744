import { buildSurvey, buildWorkspace } from '../../support/factories';
import { buildSentInvitation } from '../../support/collector-factories';
import { buildUser, signIn } from '../../support/dashboard-factories';
import { createTestWorld } from '../../support/test-context';
import type { TestWorld } from '../../support/test-context';

// Sends whose outcome is unknown, as an operator meets them: counted on the overview, listed
// with the two choices, resent with the same Message-ID; never another workspace's.

let world: TestWorld;

beforeAll(async () => {
  world = await createTestWorld();
});
afterAll(async () => {
  await world.close();
});

async function unknownSend(workspaceId: string, surveyId: string, email: string) {
  const { invitation } = await buildSentInvitation(world.ctx.db, { workspaceId, surveyId, email });
  await world.ctx.db
    .updateTable('invitations')
    .set({
      status: 'send_unknown',
      handed_at: new Date('2026-06-15T11:00:00Z'),
      message_id: `<${invitation.id}@glas.test>`,
      last_error: 'worker stopped after hand-off',
    })
    .where('id', '=', invitation.id)
    .execute();
  return invitation;
}

describe('dashboard deliveries', () => {
  it('counts, lists and resends unknown sends of this workspace only', async () => {
    const { workspace } = await buildWorkspace(world.ctx.db);
    const survey = await buildSurvey(world.ctx.db, workspace.id, { name: 'Support <NPS>' });
    const first = await unknownSend(workspace.id, survey.id, 'ana@example.com');
    await unknownSend(workspace.id, survey.id, 'ivo@example.com');
    const other = await buildWorkspace(world.ctx.db);
    const otherSurvey = await buildSurvey(world.ctx.db, other.workspace.id);
    const foreign = await unknownSend(other.workspace.id, otherSurvey.id, 'eve@example.com');

    const manager = await buildUser(world.ctx.db, workspace.id, 'manager');
    const { agent, csrf } = await signIn(world.app, manager.email);
    const home = await agent.get('/dashboard').expect(200);
    expect(home.text).toContain('2 sends have an unknown outcome');
    expect(home.text).toContain('href="/dashboard/deliveries"');

    const page = await agent.get('/dashboard/deliveries').expect(200);
    expect(page.text).toContain('ana@example.com');
    expect(page.text).toContain('ivo@example.com');
    expect(page.text).not.toContain('eve@example.com');
    expect(page.text).toContain('Support &lt;NPS&gt;');
    expect(page.text).toContain(`&lt;${first.id}@glas.test&gt;`);
    expect(page.text).toContain('Leave it');

    const resent = await agent
      .post(`/dashboard/deliveries/${first.id}/resend`)
      .type('form')
      .send({ _csrf: csrf })
      .expect(303);
    expect(resent.headers.location).toBe('/dashboard/deliveries?done=send_resent');
    const row = await world.ctx.db
      .selectFrom('invitations')
      .select(['status', 'message_id'])
      .where('id', '=', first.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'scheduled', message_id: `<${first.id}@glas.test>` });
    const after = await agent.get('/dashboard').expect(200);
    expect(after.text).toContain('1 send has an unknown outcome');

    // A second resend of the same one is a conflict; another workspace's is not found.
    const again = await agent
      .post(`/dashboard/deliveries/${first.id}/resend`)
      .type('form')
      .send({ _csrf: csrf });
    expect(again.status).toBe(409);
    const theirs = await agent
      .post(`/dashboard/deliveries/${foreign.id}/resend`)
      .type('form')
      .send({ _csrf: csrf });
    expect(theirs.status).toBe(404);
    const untouched = await world.ctx.db
      .selectFrom('invitations')
      .select('status')
      .where('id', '=', foreign.id)
      .executeTakeFirstOrThrow();
    expect(untouched.status).toBe('send_unknown');
  });

  it('hides the count from executives and refuses them the page', async () => {
    const { workspace } = await buildWorkspace(world.ctx.db);
    const survey = await buildSurvey(world.ctx.db, workspace.id);
    await unknownSend(workspace.id, survey.id, 'exec-view@example.com');
    const exec = await buildUser(world.ctx.db, workspace.id, 'executive');
    const { agent } = await signIn(world.app, exec.email);
    const home = await agent.get('/dashboard').expect(200);
    expect(home.text).not.toContain('unknown outcome');
    await agent.get('/dashboard/deliveries').expect(403);
  });

  it('answers 400 naming the id for a malformed one', async () => {
    const { workspace } = await buildWorkspace(world.ctx.db);
    const admin = await buildUser(world.ctx.db, workspace.id, 'admin');
    const { agent, csrf } = await signIn(world.app, admin.email);
    const res = await agent
      .post('/dashboard/deliveries/not-a-uuid/resend')
      .type('form')
      .send({ _csrf: csrf });
    expect(res.status).toBe(400);
  });
});
