import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { ApiKeyRole, Database, SurveyKind } from '../../db/schema';
import { createApiKey } from '../../src/workspaces/api-key.service';
import { createWorkspace } from '../../src/workspaces/workspace.service';

const suffix = () => randomBytes(3).toString('hex');

export async function buildWorkspace(db: Kysely<Database>, name = `Acme ${suffix()}`) {
  const { workspace, apiKey } = await createWorkspace(db, { name });
  return { workspace, adminKey: apiKey };
}

/** The id of `workspaceId`, or of a new workspace when none is given. */
export async function workspaceIdOrNew(db: Kysely<Database>, workspaceId?: string) {
  return workspaceId ?? (await buildWorkspace(db)).workspace.id;
}

/** An API key of `role`; without a workspace, in a new one. */
export async function buildApiKey(
  db: Kysely<Database>,
  workspaceId: string | undefined,
  role: ApiKeyRole,
) {
  const id = await workspaceIdOrNew(db, workspaceId);
  return (await createApiKey(db, id, { name: `${role} ${suffix()}`, role })).key;
}

/** A survey (active NPS on ticket.closed unless overridden); without a workspace, in a new one. */
export async function buildSurvey(
  db: Kysely<Database>,
  workspaceId?: string,
  overrides: Partial<{
    kind: SurveyKind;
    status: 'draft' | 'active';
    eventType: string;
    name: string;
  }> = {},
) {
  return db
    .insertInto('surveys')
    .values({
      workspace_id: await workspaceIdOrNew(db, workspaceId),
      kind: overrides.kind ?? 'nps',
      name: overrides.name ?? `Survey ${suffix()}`,
      status: overrides.status ?? 'active',
      trigger_event_type: overrides.eventType ?? 'ticket.closed',
      texts: '{}',
      segment_properties: '[]',
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });

/**
 * The workspace and survey a child row hangs from, creating what is missing: a given survey
 * brings its own workspace; with neither, a new workspace and survey are made. A survey given
 * together with another workspace is a test mistake and fails here rather than at a foreign key.
 */
export async function surveyParents(
  db: Kysely<Database>,
  given: { workspaceId?: string; surveyId?: string },
): Promise<{ workspaceId: string; surveyId: string }> {
  if (given.surveyId === undefined) {
    const survey = await buildSurvey(db, given.workspaceId);
    return { workspaceId: survey.workspace_id, surveyId: survey.id };
  }
  const survey = await db
    .selectFrom('surveys')
    .select('workspace_id')
    .where('id', '=', given.surveyId)
    .executeTakeFirstOrThrow();
  if (given.workspaceId !== undefined && given.workspaceId !== survey.workspace_id) {
    throw new Error(`survey ${given.surveyId} is not in workspace ${given.workspaceId}`);
  }
  return { workspaceId: survey.workspace_id, surveyId: given.surveyId };
}

/** A contact; without a workspace, in a new one. */
export async function buildContact(
  db: Kysely<Database>,
  opts: { workspaceId?: string; email?: string; name?: string; locale?: string } = {},
) {
  return db
    .insertInto('contacts')
    .values({
      workspace_id: await workspaceIdOrNew(db, opts.workspaceId),
      email: opts.email ?? `c-${randomBytes(4).toString('hex')}@example.com`,
      name: opts.name ?? null,
      locale: opts.locale ?? 'en',
      properties: '{}',
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * A response inserted directly (as an import would), for scoring and rollup tests. Its survey
 * and workspace are made when not given (see surveyParents); an import has no invitation, so
 * none is made, but one can be given to hang the response from it.
 */
export async function buildResponse(
  db: Kysely<Database>,
  r: {
    workspaceId?: string;
    surveyId?: string;
    invitationId?: string;
    score: number;
    createdAt?: Date;
    segment?: Record<string, string>;
    status?: 'counted' | 'provisional';
    flagged?: boolean;
  },
) {
  const invitation =
    r.invitationId === undefined
      ? undefined
      : await db
          .selectFrom('invitations')
          .select(['survey_id', 'contact_id'])
          .where('id', '=', r.invitationId)
          .executeTakeFirstOrThrow();
  if (invitation && r.surveyId !== undefined && r.surveyId !== invitation.survey_id) {
    throw new Error(`invitation ${r.invitationId} is not for survey ${r.surveyId}`);
  }
  const { workspaceId, surveyId } = await surveyParents(db, {
    workspaceId: r.workspaceId,
    surveyId: r.surveyId ?? invitation?.survey_id,
  });
  return db
    .insertInto('responses')
    .values({
      workspace_id: workspaceId,
      survey_id: surveyId,
      invitation_id: r.invitationId ?? null,
      contact_id: invitation?.contact_id ?? null,
      score: r.score,
      segment: JSON.stringify(r.segment ?? {}),
      source: 'import',
      status: r.status ?? 'counted',
      flagged: r.flagged ?? false,
      created_at: r.createdAt ?? new Date(),
      updated_at: r.createdAt ?? new Date(),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}
