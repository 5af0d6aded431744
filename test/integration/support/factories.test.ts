import { buildSentInvitation } from '../../support/collector-factories';
import { buildUser } from '../../support/dashboard-factories';
import {
  buildApiKey,
  buildContact,
  buildResponse,
  buildSurvey,
  buildWorkspace,
} from '../../support/factories';
import { createTestWorld } from '../../support/test-context';
import type { TestWorld } from '../../support/test-context';

// A test should name only the rows it is about: factories make the parents it leaves out.

let world: TestWorld;

beforeAll(async () => {
  world = await createTestWorld();
});
afterAll(async () => {
  await world.close();
});

describe('test factories', () => {
  it('make a workspace for a survey, an API key, a contact and a user given none', async () => {
    const survey = await buildSurvey(world.ctx.db);
    const contact = await buildContact(world.ctx.db);
    const user = await buildUser(world.ctx.db, undefined, 'manager');
    const key = await buildApiKey(world.ctx.db, undefined, 'executive');
    const workspaces = await world.ctx.db
      .selectFrom('workspaces')
      .select('id')
      .where('id', 'in', [survey.workspace_id, contact.workspace_id])
      .execute();
    expect(workspaces).toHaveLength(2);
    expect(user.email).toMatch(/^manager-/);
    expect(key).toEqual(expect.any(String));
  });

  it('make a survey and a contact for an invitation, in the workspace of what is given', async () => {
    const bare = await buildSentInvitation(world.ctx.db);
    expect(bare.contact.workspace_id).toBe(bare.invitation.workspace_id);
    const survey = await world.ctx.db
      .selectFrom('surveys')
      .select('workspace_id')
      .where('id', '=', bare.invitation.survey_id)
      .executeTakeFirstOrThrow();
    expect(survey.workspace_id).toBe(bare.invitation.workspace_id);

    const { workspace } = await buildWorkspace(world.ctx.db);
    const contact = await buildContact(world.ctx.db, { workspaceId: workspace.id });
    const forContact = await buildSentInvitation(world.ctx.db, { contactId: contact.id });
    expect(forContact.invitation).toMatchObject({
      workspace_id: workspace.id,
      contact_id: contact.id,
    });
    const other = await buildSurvey(world.ctx.db);
    await expect(
      buildSentInvitation(world.ctx.db, { surveyId: other.id, contactId: contact.id }),
    ).rejects.toThrow(/is not in workspace/);
  });

  it('make a survey for a response, or take survey and contact from its invitation', async () => {
    const bare = await buildResponse(world.ctx.db, { score: 9 });
    const survey = await world.ctx.db
      .selectFrom('surveys')
      .select('workspace_id')
      .where('id', '=', bare.survey_id)
      .executeTakeFirstOrThrow();
    expect(survey.workspace_id).toBe(bare.workspace_id);
    expect(bare.invitation_id).toBeNull();

    const { invitation } = await buildSentInvitation(world.ctx.db);
    const answered = await buildResponse(world.ctx.db, { invitationId: invitation.id, score: 3 });
    expect(answered).toMatchObject({
      workspace_id: invitation.workspace_id,
      survey_id: invitation.survey_id,
      invitation_id: invitation.id,
      contact_id: invitation.contact_id,
    });
    // Existing call sites that pass both ids keep working.
    const explicit = await buildResponse(world.ctx.db, {
      workspaceId: invitation.workspace_id,
      surveyId: invitation.survey_id,
      score: 7,
    });
    expect(explicit.survey_id).toBe(invitation.survey_id);
  });
});
