import type { Kysely } from 'kysely';
import type { Database, Survey, SurveyStatus, SurveyUpdate } from '../../db/schema';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import type { Clock } from '../clock';
import type { SendWindow } from './send-window';
import { storedQuestions, versionQuestions } from './questions';
import type {
  CreateSurveyBody,
  ListSurveysQuery,
  SurveyDto,
  UpdateSurveyBody,
} from './survey.schemas';
import {
  deleteUnusedDraftSurvey,
  findSurveyById,
  findTriggeredSurveys,
  insertSurvey,
  listSurveys,
  updateSurvey,
} from './survey.repository';

export function toSurveyDto(row: Survey): SurveyDto {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    status: row.status,
    trigger: {
      eventType: row.trigger_event_type,
      delaySeconds: row.delay_seconds,
      samplingRate: row.sampling_rate,
      quietPeriodDays: row.quiet_period_days,
      sendWindow: row.send_window as SendWindow | null,
    },
    texts: row.texts,
    segmentProperties: row.segment_properties,
    expiresAfterDays: row.expires_after_days,
    reminderAfterDays: row.reminder_after_days,
    questions: storedQuestions(row.questions),
    launchedAt: row.launched_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

const notFound = () => new NotFoundError('survey_not_found', 'Survey not found.');

export async function createSurvey(
  db: Kysely<Database>,
  workspaceId: string,
  input: Omit<CreateSurveyBody, 'questions'> & { questions?: CreateSurveyBody['questions'] },
  now = new Date(),
): Promise<SurveyDto> {
  const row = await insertSurvey(db, {
    workspace_id: workspaceId,
    kind: input.kind,
    name: input.name,
    texts: JSON.stringify(input.texts),
    trigger_event_type: input.trigger.eventType,
    delay_seconds: input.trigger.delaySeconds,
    sampling_rate: input.trigger.samplingRate,
    quiet_period_days: input.trigger.quietPeriodDays,
    send_window: input.trigger.sendWindow ? JSON.stringify(input.trigger.sendWindow) : null,
    reminder_after_days: input.reminderAfterDays,
    segment_properties: JSON.stringify(input.segmentProperties),
    expires_after_days: input.expiresAfterDays,
    questions: JSON.stringify(versionQuestions(input.questions ?? [], [])),
    created_at: now,
    updated_at: now,
  });
  return toSurveyDto(row);
}

export async function requireSurvey(db: Kysely<Database>, workspaceId: string, id: string) {
  const row = await findSurveyById(db, workspaceId, id);
  if (!row) {
    throw notFound();
  }
  return row;
}

/** Active and paused surveys an event of this type triggers (paused ones record a skip). */
export async function surveysTriggeredBy(
  db: Kysely<Database>,
  workspaceId: string,
  eventType: string,
): Promise<Survey[]> {
  return findTriggeredSurveys(db, workspaceId, eventType);
}

export async function getSurvey(db: Kysely<Database>, workspaceId: string, id: string) {
  return toSurveyDto(await requireSurvey(db, workspaceId, id));
}

export async function findSurveys(
  db: Kysely<Database>,
  workspaceId: string,
  query: ListSurveysQuery,
): Promise<{ data: SurveyDto[]; nextCursor: string | null }> {
  let after: { createdAt: Date; id: string } | undefined;
  if (query.cursor) {
    const anchor = await findSurveyById(db, workspaceId, query.cursor);
    if (!anchor) {
      throw new ValidationError([
        { field: 'cursor', issue: 'not a cursor from this list', location: 'query' },
      ]);
    }
    after = { createdAt: anchor.created_at, id: anchor.id };
  }
  const rows = await listSurveys(db, workspaceId, { ...query, after, limit: query.limit + 1 });
  const page = rows.slice(0, query.limit);
  return {
    data: page.map(toSurveyDto),
    nextCursor: rows.length > query.limit ? (page.at(-1)?.id ?? null) : null,
  };
}

/** Edits a survey. A closed survey is frozen; the kind can change only while it is a draft. */
export async function changeSurvey(
  db: Kysely<Database>,
  clock: Clock,
  workspaceId: string,
  id: string,
  input: UpdateSurveyBody,
): Promise<SurveyDto> {
  const survey = await requireSurvey(db, workspaceId, id);
  if (survey.status === 'closed') {
    throw new ConflictError('survey_closed', 'A closed survey cannot be changed.');
  }
  if (input.kind && input.kind !== survey.kind && survey.status !== 'draft') {
    throw new ConflictError(
      'survey_not_draft',
      'The kind can only change while the survey is a draft.',
      [{ field: 'kind', issue: 'only changeable in draft', location: 'body' }],
    );
  }
  const t = input.trigger ?? {};
  const values: SurveyUpdate = {
    ...(input.kind ? { kind: input.kind } : {}),
    ...(input.name ? { name: input.name } : {}),
    ...(input.texts ? { texts: JSON.stringify(input.texts) } : {}),
    ...(input.segmentProperties
      ? { segment_properties: JSON.stringify(input.segmentProperties) }
      : {}),
    ...(input.expiresAfterDays ? { expires_after_days: input.expiresAfterDays } : {}),
    ...(input.reminderAfterDays !== undefined
      ? { reminder_after_days: input.reminderAfterDays }
      : {}),
    ...(input.questions
      ? {
          questions: JSON.stringify(
            versionQuestions(input.questions, storedQuestions(survey.questions)),
          ),
        }
      : {}),
    ...(t.eventType ? { trigger_event_type: t.eventType } : {}),
    ...(t.delaySeconds !== undefined ? { delay_seconds: t.delaySeconds } : {}),
    ...(t.samplingRate !== undefined ? { sampling_rate: t.samplingRate } : {}),
    ...(t.quietPeriodDays !== undefined ? { quiet_period_days: t.quietPeriodDays } : {}),
    ...(t.sendWindow !== undefined
      ? { send_window: t.sendWindow ? JSON.stringify(t.sendWindow) : null }
      : {}),
    updated_at: clock.now(),
  };
  // The status guard makes a concurrent close win: no edits land on a closed survey.
  const row = await updateSurvey(db, workspaceId, id, values, ['draft', 'active', 'paused']);
  if (!row) {
    throw new ConflictError('survey_closed', 'A closed survey cannot be changed.');
  }
  return toSurveyDto(row);
}

export async function removeSurvey(
  db: Kysely<Database>,
  workspaceId: string,
  id: string,
): Promise<void> {
  await requireSurvey(db, workspaceId, id);
  if (!(await deleteUnusedDraftSurvey(db, workspaceId, id))) {
    throw new ConflictError(
      'survey_in_use',
      'Only a draft that has sent no invitation can be deleted; close the survey instead.',
    );
  }
}

type Transition = 'launch' | 'pause' | 'close';

const TRANSITIONS: Record<Transition, { from: SurveyStatus[]; to: SurveyStatus }> = {
  launch: { from: ['draft', 'paused'], to: 'active' },
  pause: { from: ['active'], to: 'paused' },
  close: { from: ['draft', 'active', 'paused'], to: 'closed' },
};

/**
 * Moves a survey along draft → active ⇄ paused → closed. Repeating a transition that already
 * happened answers with the survey unchanged; an impossible one is a 409 naming both states.
 */
export async function transitionSurvey(
  db: Kysely<Database>,
  clock: Clock,
  workspaceId: string,
  id: string,
  transition: Transition,
): Promise<SurveyDto> {
  const { from, to } = TRANSITIONS[transition];
  const survey = await requireSurvey(db, workspaceId, id);
  if (survey.status === to) {
    return toSurveyDto(survey);
  }
  const now = clock.now();
  const row = await updateSurvey(
    db,
    workspaceId,
    id,
    {
      status: to,
      updated_at: now,
      ...(to === 'active' ? { launched_at: survey.launched_at ?? now } : {}),
    },
    from,
  );
  if (!row) {
    const current = (await findSurveyById(db, workspaceId, id))?.status ?? survey.status;
    throw new ConflictError(
      `survey_${current}`,
      `A ${current} survey cannot ${transition === 'launch' ? 'be launched' : `be ${transition === 'pause' ? 'paused' : 'closed'}`}.`,
      [{ field: 'status', issue: `is ${current}; needs one of ${from.join(', ')}` }],
    );
  }
  return toSurveyDto(row);
}

/** draft or paused → active. A closed survey stays closed. */
export async function launchSurvey(
  db: Kysely<Database>,
  clock: Clock,
  workspaceId: string,
  id: string,
) {
  return transitionSurvey(db, clock, workspaceId, id, 'launch');
}
