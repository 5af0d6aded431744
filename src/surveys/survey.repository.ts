import type { Kysely } from 'kysely';
import type {
  Database,
  NewSurvey,
  Survey,
  SurveyKind,
  SurveyStatus,
  SurveyUpdate,
} from '../../db/schema';
import { afterCursor } from '../platform/cursor';

export async function insertSurvey(db: Kysely<Database>, values: NewSurvey): Promise<Survey> {
  return db.insertInto('surveys').values(values).returningAll().executeTakeFirstOrThrow();
}

export async function findSurveyById(
  db: Kysely<Database>,
  workspaceId: string,
  id: string,
): Promise<Survey | undefined> {
  return db
    .selectFrom('surveys')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export interface SurveyFilter {
  status?: SurveyStatus | undefined;
  kind?: SurveyKind | undefined;
  eventType?: string | undefined;
  q?: string | undefined;
  /** Keyset: rows strictly after this (created_at desc, id desc) position. */
  after?: { createdAt: Date; id: string } | undefined;
  limit: number;
}

/** Surveys newest first, keyset-paginated on (created_at, id). */
export async function listSurveys(
  db: Kysely<Database>,
  workspaceId: string,
  filter: SurveyFilter,
): Promise<Survey[]> {
  let query = db.selectFrom('surveys').selectAll().where('workspace_id', '=', workspaceId);
  if (filter.status) {
    query = query.where('status', '=', filter.status);
  }
  if (filter.kind) {
    query = query.where('kind', '=', filter.kind);
  }
  if (filter.eventType) {
    query = query.where('trigger_event_type', '=', filter.eventType);
  }
  if (filter.q) {
    const pattern = `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where('name', 'ilike', pattern);
  }
  if (filter.after) {
    query = query.where(afterCursor(filter.after));
  }
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(filter.limit).execute();
}

export async function updateSurvey(
  db: Kysely<Database>,
  workspaceId: string,
  id: string,
  values: SurveyUpdate,
  fromStatuses?: SurveyStatus[],
): Promise<Survey | undefined> {
  let query = db
    .updateTable('surveys')
    .set(values)
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id);
  if (fromStatuses) {
    query = query.where('status', 'in', fromStatuses);
  }
  return query.returningAll().executeTakeFirst();
}

/** Deletes a draft that never produced an invitation; returns whether a row went. */
export async function deleteUnusedDraftSurvey(
  db: Kysely<Database>,
  workspaceId: string,
  id: string,
): Promise<boolean> {
  const result = await db
    .deleteFrom('surveys')
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .where('status', '=', 'draft')
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('invitations')
            .select('invitations.id')
            .whereRef('invitations.survey_id', '=', 'surveys.id'),
        ),
      ),
    )
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** Active and paused surveys whose trigger listens for this event type (paused ones record a skip). */
export async function findTriggeredSurveys(
  db: Kysely<Database>,
  workspaceId: string,
  eventType: string,
): Promise<Survey[]> {
  return db
    .selectFrom('surveys')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('trigger_event_type', '=', eventType)
    .where('status', 'in', ['active', 'paused'])
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}
