import type { Kysely } from 'kysely';
import type { Database, NewSurvey, Survey, SurveyStatus, SurveyUpdate } from '../../db/schema';

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

export async function listSurveys(
  db: Kysely<Database>,
  workspaceId: string,
  filter: { status?: SurveyStatus; limit: number },
): Promise<Survey[]> {
  let query = db.selectFrom('surveys').selectAll().where('workspace_id', '=', workspaceId);
  if (filter.status) {
    query = query.where('status', '=', filter.status);
  }
  return query.orderBy('created_at', 'desc').orderBy('id').limit(filter.limit).execute();
}

export async function updateSurvey(
  db: Kysely<Database>,
  workspaceId: string,
  id: string,
  values: SurveyUpdate,
): Promise<Survey | undefined> {
  return db
    .updateTable('surveys')
    .set(values)
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

/** Active surveys whose trigger listens for this event type. */
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
    .where('status', '=', 'active')
    .execute();
}
