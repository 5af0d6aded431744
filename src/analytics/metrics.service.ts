import type { Kysely } from 'kysely';
import type { Database, SurveyKind } from '../../db/schema';
import { SURVEY_KINDS } from '../../db/schema';
import type { Clock } from '../clock';
import type {
  Cell,
  MetricsQuery,
  SurveyMetricsDto,
  WorkspaceMetricsDto,
  WorkspaceMetricsQuery,
} from './metrics.schemas';
import { countResponseRates } from './metrics.repository';
import { localDate, shiftPeriod } from '../platform/periods';
import { countByPeriod } from './rollup.repository';
import { requireSurvey } from '../surveys/survey.service';
import { getWorkspace } from '../workspaces/workspace.service';
import { addCounts, emptyCounts, scoreCell } from './cells';
import { OVERALL, resolveMetricsQuery, surveyMetricsFromRows, todayIn } from './survey-metrics';
import type { ResolvedMetricsQuery } from './survey-metrics';

export { compareCells, emptyCounts, scoreCell, SCORE_SLOTS, trendOf } from './cells';

/**
 * Scores per period (and per segment value) in the workspace's time zone, each with its
 * interval, change vs the comparison period and small-sample flag, plus the trend.
 * Counts come from the rollups in SQL; only a few hundred numbers reach Node.
 */
export async function getSurveyMetrics(
  db: Kysely<Database>,
  clock: Clock,
  workspaceId: string,
  surveyId: string,
  query: MetricsQuery,
): Promise<SurveyMetricsDto> {
  const dimensions = query.segment ? [OVERALL, query.segment] : [OVERALL];
  const read = (r: ResolvedMetricsQuery, timeZone: string | null) =>
    Promise.all([
      countByPeriod(db, {
        workspaceId,
        surveyIds: [surveyId],
        dimensions,
        from: r.from,
        to: r.until,
        unit: r.unit,
      }),
      countResponseRates(db, {
        workspaceId,
        surveyId,
        timeZone,
        from: r.first,
        to: r.until,
        unit: r.unit,
      }),
    ]);
  const until = query.until;
  if (until !== undefined) {
    // NOTE: with `until` given the dates need no "today" (so no time zone): the counts are read
    // beside the survey and workspace lookups, one round trip of waiting instead of two. Both
    // reads filter on the caller's workspace, so a 404 discards nothing it may not see.
    const r = resolveMetricsQuery(query, () => until);
    const [survey, workspace, [rows, rates]] = await Promise.all([
      requireSurvey(db, workspaceId, surveyId),
      getWorkspace(db, workspaceId),
      read(r, null),
    ]);
    return surveyMetricsFromRows(survey, workspace.time_zone, query, r, rows, rates);
  }
  const [survey, workspace] = await Promise.all([
    requireSurvey(db, workspaceId, surveyId),
    getWorkspace(db, workspaceId),
  ]);
  const tz = workspace.time_zone;
  const r = resolveMetricsQuery(query, todayIn(clock.now(), tz));
  const [rows, rates] = await read(r, tz);
  return surveyMetricsFromRows(survey, tz, query, r, rows, rates);
}

/** Headline NPS, CSAT and CES across the workspace's surveys for a date range (default: last 30 days). */
export async function getWorkspaceMetrics(
  db: Kysely<Database>,
  clock: Clock,
  workspaceId: string,
  query: WorkspaceMetricsQuery,
): Promise<WorkspaceMetricsDto> {
  const workspace = await getWorkspace(db, workspaceId);
  const until = query.until ?? localDate(clock.now(), workspace.time_zone);
  const since = query.since ?? shiftPeriod(until, 'day', -29);
  const surveys = await db
    .selectFrom('surveys')
    .select(['id', 'name', 'kind', 'status'])
    .where('workspace_id', '=', workspaceId)
    .orderBy('created_at')
    .execute();
  const rows = await countByPeriod(db, {
    workspaceId,
    surveyIds: surveys.map((s) => s.id),
    dimensions: [OVERALL],
    from: since,
    to: until,
    // NOTE: only totals per survey; by month, whole months come from the monthly rollups.
    unit: 'month',
    bySurvey: true,
  });
  const bySurvey = new Map<string, number[]>();
  for (const row of rows) {
    bySurvey.set(
      row.surveyId!,
      addCounts(bySurvey.get(row.surveyId!) ?? emptyCounts(), row.counts),
    );
  }
  const byKind = new Map<SurveyKind, number[]>();
  for (const s of surveys) {
    byKind.set(
      s.kind,
      addCounts(byKind.get(s.kind) ?? emptyCounts(), bySurvey.get(s.id) ?? emptyCounts()),
    );
  }
  const headline = (kind: SurveyKind) => {
    const counts = byKind.get(kind);
    return counts ? scoreCell(kind, counts, query.confidence) : null;
  };
  return {
    since,
    until,
    timeZone: workspace.time_zone,
    headline: Object.fromEntries(SURVEY_KINDS.map((k) => [k, headline(k)])) as Record<
      SurveyKind,
      Cell | null
    >,
    surveys: surveys.map((s) => ({
      surveyId: s.id,
      name: s.name,
      kind: s.kind,
      status: s.status,
      overall: scoreCell(s.kind, bySurvey.get(s.id) ?? emptyCounts(), query.confidence),
    })),
  };
}
