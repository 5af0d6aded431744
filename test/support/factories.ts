import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { ApiKeyRole, Database } from '../../db/schema';
import { createApiKey } from '../../src/workspaces/api-key.service';
import { createWorkspace } from '../../src/workspaces/workspace.service';

const suffix = () => randomBytes(3).toString('hex');

export async function buildWorkspace(db: Kysely<Database>, name = `Acme ${suffix()}`) {
  const { workspace, apiKey } = await createWorkspace(db, { name });
  return { workspace, adminKey: apiKey };
}

export async function buildApiKey(db: Kysely<Database>, workspaceId: string, role: ApiKeyRole) {
  return (await createApiKey(db, workspaceId, { name: `${role} ${suffix()}`, role })).key;
}

export async function buildSurvey(
  db: Kysely<Database>,
  workspaceId: string,
  overrides: Partial<{
    kind: 'nps' | 'csat' | 'ces';
    status: 'draft' | 'active';
    eventType: string;
  }> = {},
) {
  return db
    .insertInto('surveys')
    .values({
      workspace_id: workspaceId,
      kind: overrides.kind ?? 'nps',
      name: `Survey ${suffix()}`,
      status: overrides.status ?? 'active',
      trigger_event_type: overrides.eventType ?? 'ticket.closed',
      texts: '{}',
      segment_properties: '[]',
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });

/** A response inserted directly (as an import would), for scoring and rollup tests. */
export async function buildResponse(
  db: Kysely<Database>,
  r: {
    workspaceId: string;
    surveyId: string;
    score: number;
    createdAt?: Date;
    segment?: Record<string, string>;
    status?: 'counted' | 'provisional';
    flagged?: boolean;
  },
) {
  return db
    .insertInto('responses')
    .values({
      workspace_id: r.workspaceId,
      survey_id: r.surveyId,
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
