import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database, ImprovementAction, Survey } from '../../db/schema';
import type { Clock } from '../clock';
import { NotFoundError, UnprocessableError } from '../errors';
import { afterCursor, decodeCursor, pageOf } from '../platform/cursor';
import { compareCells, SCORE_SLOTS, scoreCell } from '../analytics/metrics.service';
import { localDate } from '../platform/periods';
import { requireSurvey } from '../surveys/survey.service';
import { getWorkspace } from '../workspaces/workspace.service';
import type {
  ActionDto,
  ActionEffect,
  ActionTarget,
  CreateActionBody,
  ListActionsQuery,
  UpdateActionBody,
} from './action.schemas';
import { responsesLink } from './period-range';
import { themesForRange } from '../analytics/themes.service';

/** Responses an action needs after its creation before its before/after change is shown. */
export const MIN_RESPONSES_AFTER = 30;
/** Length of the "before" window that an action's effect is measured against. */
export const BEFORE_DAYS = 90;
const CONFIDENCE = 0.95;

const notFound = () => new NotFoundError('action_not_found', 'Improvement action not found.');

function targetOf(row: ImprovementAction): ActionTarget {
  switch (row.target_type) {
    case 'segment':
      return { type: 'segment', property: row.segment_property!, value: row.segment_value! };
    case 'theme':
      return { type: 'theme', themeKey: row.theme_key! };
    case 'survey':
      return { type: 'survey' };
  }
}

function targetColumns(target: ActionTarget) {
  return {
    target_type: target.type,
    segment_property: target.type === 'segment' ? target.property : null,
    segment_value: target.type === 'segment' ? target.value : null,
    theme_key: target.type === 'theme' ? target.themeKey : null,
  };
}

/** Score counts (index = score) of counted responses in [from, to), optionally in one segment. */
async function countScores(
  db: Kysely<Database>,
  workspaceId: string,
  surveyId: string,
  range: { from: Date; to: Date },
  segment?: { property: string; value: string },
): Promise<number[]> {
  let q = db
    .selectFrom('counted_responses')
    .select(['score', sql<string>`count(*)`.as('n')])
    .where('workspace_id', '=', workspaceId)
    .where('survey_id', '=', surveyId)
    .where('created_at', '>=', range.from)
    .where('created_at', '<', range.to);
  if (segment) {
    q = q.where(sql<string>`left(segment ->> ${segment.property}, 200)`, '=', segment.value);
  }
  const rows = await q.groupBy('score').execute();
  const counts = Array.from({ length: SCORE_SLOTS }, () => 0);
  for (const r of rows) {
    counts[r.score] = Number(r.n);
  }
  return counts;
}

async function targetCounts(
  db: Kysely<Database>,
  workspaceId: string,
  survey: Survey,
  target: ActionTarget,
  range: { from: Date; to: Date },
): Promise<number[]> {
  if (target.type !== 'theme') {
    return countScores(
      db,
      workspaceId,
      survey.id,
      range,
      target.type === 'segment' ? target : undefined,
    );
  }
  const themed = await themesForRange(db, workspaceId, survey, range, {
    minVolume: 1,
    maxThemes: 10_000,
    extraPins: [target.themeKey],
  });
  const theme = themed?.report.themes.find((t) => t.key === target.themeKey);
  return Array.from({ length: SCORE_SLOTS }, (_, i) => theme?.scoreCounts[i] ?? 0);
}

/**
 * Before = the BEFORE_DAYS before the action was created; after = since then. The change is
 * shown (with its two-sample test) only once MIN_RESPONSES_AFTER responses arrived after it.
 */
export async function actionEffect(
  db: Kysely<Database>,
  workspaceId: string,
  survey: Survey,
  row: ImprovementAction,
  asOf: Date,
): Promise<ActionEffect> {
  const target = targetOf(row);
  const created = row.created_at;
  const beforeSince = new Date(created.getTime() - BEFORE_DAYS * 86_400_000);
  const afterUntil = asOf > created ? asOf : created;
  const [before, after] = await Promise.all([
    targetCounts(db, workspaceId, survey, target, { from: beforeSince, to: created }),
    targetCounts(db, workspaceId, survey, target, { from: created, to: afterUntil }),
  ]);
  const afterCell = scoreCell(survey.kind, after, CONFIDENCE);
  const enoughAfter = afterCell.n >= MIN_RESPONSES_AFTER;
  const segment =
    target.type === 'segment'
      ? { segmentProperty: target.property, segmentValue: target.value }
      : {};
  const hasComment = target.type === 'theme' ? { hasComment: true } : {};
  return {
    before: scoreCell(survey.kind, before, CONFIDENCE),
    beforeSince: beforeSince.toISOString(),
    after: afterCell,
    enoughAfter,
    change: enoughAfter
      ? compareCells(survey.kind, after, before, localDate(beforeSince, 'UTC'), CONFIDENCE)
      : null,
    beforeLink: responsesLink({
      surveyId: survey.id,
      from: beforeSince,
      to: created,
      ...segment,
      ...hasComment,
    }),
    afterLink: responsesLink({
      surveyId: survey.id,
      from: created,
      to: afterUntil,
      ...segment,
      ...hasComment,
    }),
  };
}

export async function toActionDto(
  db: Kysely<Database>,
  workspaceId: string,
  row: ImprovementAction,
  survey: Survey,
  asOf: Date,
  timeZone: string,
): Promise<ActionDto> {
  const today = localDate(asOf, timeZone);
  return {
    id: row.id,
    surveyId: row.survey_id,
    title: row.title,
    description: row.description,
    owner: { name: row.owner_name, email: row.owner_email },
    dueDate: row.due_date,
    status: row.status,
    overdue:
      row.due_date !== null &&
      row.due_date < today &&
      (row.status === 'open' || row.status === 'in_progress'),
    target: targetOf(row),
    sourceReportId: row.source_report_id,
    effect: await actionEffect(db, workspaceId, survey, row, asOf),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

async function findAction(db: Kysely<Database>, workspaceId: string, id: string) {
  return db
    .selectFrom('improvement_actions')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
}

async function assertReportInWorkspace(
  db: Kysely<Database>,
  workspaceId: string,
  reportId: string,
): Promise<void> {
  const found = await db
    .selectFrom('reports')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', reportId)
    .executeTakeFirst();
  if (!found) {
    throw new UnprocessableError('report_not_found', 'sourceReportId names no report.', [
      { field: 'sourceReportId', issue: 'no such report in this workspace', location: 'body' },
    ]);
  }
}

/** Dates are stored as the local calendar date; pg returns them as 'YYYY-MM-DD' strings. */
export async function createAction(
  db: Kysely<Database>,
  clock: Clock,
  workspaceId: string,
  input: CreateActionBody,
): Promise<ActionDto> {
  const [survey, workspace] = await Promise.all([
    requireSurvey(db, workspaceId, input.surveyId),
    getWorkspace(db, workspaceId),
  ]);
  if (input.sourceReportId) {
    await assertReportInWorkspace(db, workspaceId, input.sourceReportId);
  }
  const now = clock.now();
  const row = await db
    .insertInto('improvement_actions')
    .values({
      workspace_id: workspaceId,
      survey_id: survey.id,
      title: input.title,
      description: input.description ?? null,
      owner_name: input.ownerName ?? null,
      owner_email: input.ownerEmail ?? null,
      due_date: input.dueDate ?? null,
      status: input.status,
      ...targetColumns(input.target),
      source_report_id: input.sourceReportId ?? null,
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toActionDto(db, workspaceId, row, survey, now, workspace.time_zone);
}

export async function getAction(
  db: Kysely<Database>,
  clock: Clock,
  workspaceId: string,
  id: string,
): Promise<ActionDto> {
  const row = await findAction(db, workspaceId, id);
  if (!row) {
    throw notFound();
  }
  const [survey, workspace] = await Promise.all([
    requireSurvey(db, workspaceId, row.survey_id),
    getWorkspace(db, workspaceId),
  ]);
  return toActionDto(db, workspaceId, row, survey, clock.now(), workspace.time_zone);
}

export async function listActionRows(
  db: Kysely<Database>,
  workspaceId: string,
  query: ListActionsQuery & { createdBefore?: Date },
) {
  const limit = query.limit ?? 50;
  const after = decodeCursor(query.cursor);
  let q = db
    .selectFrom('improvement_actions')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1);
  if (query.status) {
    q = q.where('status', '=', query.status);
  }
  if (query.surveyId) {
    q = q.where('survey_id', '=', query.surveyId);
  }
  if (query.createdBefore) {
    q = q.where('created_at', '<', query.createdBefore);
  }
  if (after) {
    q = q.where(afterCursor(after));
  }
  return pageOf(await q.execute(), limit);
}

export async function listActions(
  db: Kysely<Database>,
  clock: Clock,
  workspaceId: string,
  query: ListActionsQuery,
): Promise<{ data: ActionDto[]; nextCursor: string | null }> {
  const [{ rows, nextCursor }, workspace] = await Promise.all([
    listActionRows(db, workspaceId, query),
    getWorkspace(db, workspaceId),
  ]);
  const now = clock.now();
  const surveys = new Map<string, Survey>();
  const data: ActionDto[] = [];
  for (const row of rows) {
    const survey =
      surveys.get(row.survey_id) ?? (await requireSurvey(db, workspaceId, row.survey_id));
    surveys.set(survey.id, survey);
    data.push(await toActionDto(db, workspaceId, row, survey, now, workspace.time_zone));
  }
  return { data, nextCursor };
}

export async function updateAction(
  db: Kysely<Database>,
  clock: Clock,
  workspaceId: string,
  id: string,
  input: UpdateActionBody,
): Promise<ActionDto> {
  const row = await db
    .updateTable('improvement_actions')
    .set({
      ...(input.title !== undefined ? { title: input.title } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.ownerName !== undefined ? { owner_name: input.ownerName } : {}),
      ...(input.ownerEmail !== undefined ? { owner_email: input.ownerEmail } : {}),
      ...(input.dueDate !== undefined ? { due_date: input.dueDate } : {}),
      ...(input.status !== undefined ? { status: input.status } : {}),
      ...(input.target !== undefined ? targetColumns(input.target) : {}),
      updated_at: clock.now(),
    })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
  if (!row) {
    throw notFound();
  }
  const [survey, workspace] = await Promise.all([
    requireSurvey(db, workspaceId, row.survey_id),
    getWorkspace(db, workspaceId),
  ]);
  return toActionDto(db, workspaceId, row, survey, clock.now(), workspace.time_zone);
}

export async function deleteAction(
  db: Kysely<Database>,
  workspaceId: string,
  id: string,
): Promise<void> {
  const row = await db
    .deleteFrom('improvement_actions')
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .returning('id')
    .executeTakeFirst();
  if (!row) {
    throw notFound();
  }
}
