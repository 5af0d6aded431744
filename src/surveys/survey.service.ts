import type { Kysely } from 'kysely';
import type { Database, Survey } from '../../db/schema';
import { ConflictError, NotFoundError } from '../errors';
import type { Clock } from '../clock';
import type { CreateSurveyBody, SurveyDto } from './survey.schemas';
import { findSurveyById, insertSurvey, listSurveys, updateSurvey } from './survey.repository';

export function toSurveyDto(row: Survey): SurveyDto {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    status: row.status,
    trigger: { eventType: row.trigger_event_type, delaySeconds: row.delay_seconds },
    texts: row.texts,
    segmentProperties: row.segment_properties,
    expiresAfterDays: row.expires_after_days,
    launchedAt: row.launched_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export async function createSurvey(
  db: Kysely<Database>,
  workspaceId: string,
  input: CreateSurveyBody,
): Promise<SurveyDto> {
  const row = await insertSurvey(db, {
    workspace_id: workspaceId,
    kind: input.kind,
    name: input.name,
    texts: JSON.stringify(input.texts),
    trigger_event_type: input.trigger.eventType,
    delay_seconds: input.trigger.delaySeconds,
    segment_properties: JSON.stringify(input.segmentProperties),
    expires_after_days: input.expiresAfterDays,
  });
  return toSurveyDto(row);
}

export async function requireSurvey(db: Kysely<Database>, workspaceId: string, id: string) {
  const row = await findSurveyById(db, workspaceId, id);
  if (!row) {
    throw new NotFoundError('survey_not_found', 'Survey not found.');
  }
  return row;
}

export async function getSurvey(db: Kysely<Database>, workspaceId: string, id: string) {
  return toSurveyDto(await requireSurvey(db, workspaceId, id));
}

export async function findSurveys(
  db: Kysely<Database>,
  workspaceId: string,
  filter: Parameters<typeof listSurveys>[2],
) {
  return (await listSurveys(db, workspaceId, filter)).map(toSurveyDto);
}

/** draft or paused → active. A closed survey stays closed. */
export async function launchSurvey(
  db: Kysely<Database>,
  clock: Clock,
  workspaceId: string,
  id: string,
) {
  const survey = await requireSurvey(db, workspaceId, id);
  if (survey.status === 'closed') {
    throw new ConflictError('survey_closed', 'A closed survey cannot be launched again.');
  }
  if (survey.status === 'active') {
    return toSurveyDto(survey);
  }
  const now = clock.now();
  const row = await updateSurvey(db, workspaceId, id, {
    status: 'active',
    launched_at: survey.launched_at ?? now,
    updated_at: now,
  });
  if (!row) {
    throw new NotFoundError('survey_not_found', 'Survey not found.');
  }
  return toSurveyDto(row);
}
