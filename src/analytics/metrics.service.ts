import type { Kysely } from 'kysely';
import type { Database, SurveyKind } from '../../db/schema';
import type { Clock } from '../clock';
import {
  cesCountsFromScoreCounts,
  compareCesAgree,
  compareCsat,
  compareNps,
  csatCountsFromScoreCounts,
  fitTrend,
  npsCountsFromScoreCounts,
  npsPoints,
  npsTrendPoints,
  scoreCes,
  scoreCsat,
  scoreNps,
} from '../scoring';
import type { TrendPoint } from '../scoring';
import type {
  Cell,
  MetricsQuery,
  SurveyMetricsDto,
  WorkspaceMetricsDto,
  WorkspaceMetricsQuery,
} from './metrics.schemas';
import { countResponseRates } from './metrics.repository';
import {
  comparisonStart,
  localDate,
  periodsBetween,
  periodStart,
  shiftPeriod,
} from '../platform/periods';
import { countByPeriod, SCORE_SLOTS } from './rollup.repository';
import type { PeriodCountsRow } from './rollup.repository';
import { requireSurvey } from '../surveys/survey.service';
import { getWorkspace } from '../workspaces/workspace.service';

const ALPHA = 0.05;
const OVERALL = '';

const emptyCounts = () => Array.from({ length: SCORE_SLOTS }, () => 0);
const addCounts = (a: number[], b: number[]) => a.map((v, i) => v + (b[i] ?? 0));
const sliceFor = (kind: SurveyKind, counts: number[]) =>
  kind === 'csat' ? counts.slice(0, 6) : kind === 'ces' ? counts.slice(0, 8) : counts;

/** Score, interval and categories of one cell (a period, a segment value, or a range). */
export function scoreCell(kind: SurveyKind, counts: number[], confidence: number): Cell {
  const distribution = sliceFor(kind, counts);
  switch (kind) {
    case 'nps': {
      const c = npsCountsFromScoreCounts(distribution);
      const s = scoreNps(c, { confidence });
      return {
        n: s.n,
        score: s.npsPoints,
        interval: s.interval,
        categories: { ...c },
        distribution,
        tooFewResponses: s.tooFewResponses,
      };
    }
    case 'csat': {
      const c = csatCountsFromScoreCounts(distribution);
      const s = scoreCsat(c, { confidence });
      return {
        n: s.total,
        score: s.csatPercent,
        interval: s.interval,
        categories: { satisfied: c.satisfied, notSatisfied: c.total - c.satisfied },
        distribution,
        tooFewResponses: s.tooFewResponses,
      };
    }
    case 'ces': {
      const c = cesCountsFromScoreCounts(distribution);
      const s = scoreCes(c, { confidence });
      const disagree = distribution.slice(1, 4).reduce((a, b) => a + b, 0);
      return {
        n: s.total,
        score: s.meanScore,
        interval: s.meanInterval,
        categories: { agree: c.agree, neutral: distribution[4] ?? 0, disagree },
        distribution,
        tooFewResponses: s.tooFewResponses,
      };
    }
  }
}

/** Change vs a comparison cell, with the two-sample test of docs/statistics.md / §7. */
export function compareCells(
  kind: SurveyKind,
  current: number[],
  previous: number[],
  comparedTo: string,
  confidence: number,
): NonNullable<Cell['change']> {
  const cur = sliceFor(kind, current);
  const prev = sliceFor(kind, previous);
  const previousN = prev.reduce((a, b) => a + b, 0);
  const base = { comparedTo, previousN };
  switch (kind) {
    case 'nps': {
      const a = npsCountsFromScoreCounts(cur);
      const b = npsCountsFromScoreCounts(prev);
      const t = compareNps(a, b, { confidence });
      return {
        ...base,
        measure: 'npsPoints',
        previousScore: npsPoints(b),
        difference: t?.rawDifferencePoints ?? null,
        pValue: t?.pValue ?? null,
        interval: t?.interval ?? null,
        significant: !!t && t.pValue < ALPHA,
      };
    }
    case 'csat': {
      const b = csatCountsFromScoreCounts(prev);
      const t = compareCsat(csatCountsFromScoreCounts(cur), b, { confidence });
      return {
        ...base,
        measure: 'csatPercent',
        previousScore: scoreCsat(b).csatPercent,
        difference: t?.differencePercent ?? null,
        pValue: t?.pValue ?? null,
        interval: t?.interval ?? null,
        significant: !!t && t.pValue < ALPHA,
      };
    }
    case 'ces': {
      // NOTE: CES change is tested on the agree share (5–7), which has a published test; the mean is shown as is.
      const b = cesCountsFromScoreCounts(prev);
      const t = compareCesAgree(cesCountsFromScoreCounts(cur), b, { confidence });
      return {
        ...base,
        measure: 'cesAgreePercent',
        previousScore: scoreCes(b).agreePercent,
        difference: t?.differencePercent ?? null,
        pValue: t?.pValue ?? null,
        interval: t?.interval ?? null,
        significant: !!t && t.pValue < ALPHA,
      };
    }
  }
}

/** Least-squares slope over the periods (NPS weighted by 1/SE², CSAT/CES by n). */
export function trendOf(
  kind: SurveyKind,
  series: number[][],
  confidence: number,
): SurveyMetricsDto['trend'] {
  let points: TrendPoint[];
  if (kind === 'nps') {
    points = npsTrendPoints(series.map((c) => npsCountsFromScoreCounts(c)));
  } else {
    points = series.flatMap((counts, period) => {
      const cell = scoreCell(kind, counts, confidence);
      return cell.score === null ? [] : [{ period, value: cell.score, weight: cell.n }];
    });
  }
  const fit = fitTrend(points, { confidence });
  if (!fit) {
    return null;
  }
  return {
    slope: fit.slope,
    interval: fit.interval,
    pValue: Number.isFinite(fit.pValue) ? fit.pValue : null,
    rising: fit.rising,
    declining: fit.declining,
    periods: fit.k,
  };
}

function indexCounts(rows: PeriodCountsRow[]) {
  const map = new Map<string, number[]>();
  for (const row of rows) {
    const key = `${row.period}\u0000${row.dimension}\u0000${row.value}`;
    map.set(key, addCounts(map.get(key) ?? emptyCounts(), row.counts));
  }
  return (period: string, dimension: string, value: string) =>
    map.get(`${period}\u0000${dimension}\u0000${value}`) ?? emptyCounts();
}

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
  const [survey, workspace] = await Promise.all([
    requireSurvey(db, workspaceId, surveyId),
    getWorkspace(db, workspaceId),
  ]);
  const tz = workspace.time_zone;
  const unit = query.interval;
  const until = query.until ?? localDate(clock.now(), tz);
  const since = query.since ?? shiftPeriod(periodStart(until, unit), unit, -11);
  const periods = periodsBetween(since, until, unit);
  const first = periods[0] ?? periodStart(since, unit);
  const compareTo = (period: string) => comparisonStart(period, unit, query.compare ?? 'previous');
  const from = query.compare ? compareTo(first) : first;
  const dimensions = query.segment ? [OVERALL, query.segment] : [OVERALL];
  const [rows, rates] = await Promise.all([
    countByPeriod(db, { workspaceId, surveyIds: [surveyId], dimensions, from, to: until, unit }),
    countResponseRates(db, { workspaceId, surveyId, timeZone: tz, from: first, to: until, unit }),
  ]);
  const at = indexCounts(rows);
  const values = [
    ...new Set(rows.filter((r) => r.dimension === query.segment).map((r) => r.value)),
  ].sort();
  const conf = query.confidence;

  const cellAt = (period: string, dimension: string, value: string): Cell => {
    const counts = at(period, dimension, value);
    const cell = scoreCell(survey.kind, counts, conf);
    if (!query.compare) {
      return cell;
    }
    const prev = compareTo(period);
    return {
      ...cell,
      change: compareCells(survey.kind, counts, at(prev, dimension, value), prev, conf),
    };
  };

  const total = periods.reduce((acc, p) => addCounts(acc, at(p, OVERALL, OVERALL)), emptyCounts());
  const overall = scoreCell(survey.kind, total, conf);
  return {
    surveyId,
    kind: survey.kind,
    timeZone: tz,
    since: first,
    until,
    interval: unit,
    segment: query.segment ?? null,
    compare: query.compare ?? null,
    n: overall.n,
    overall,
    ...(survey.kind === 'nps'
      ? {
          nps: {
            score: overall.score,
            n: overall.n,
            promoters: overall.categories.promoters ?? 0,
            passives: overall.categories.passives ?? 0,
            detractors: overall.categories.detractors ?? 0,
            interval: overall.interval,
            tooFewResponses: overall.tooFewResponses,
          },
        }
      : {}),
    periods: periods.map((start) => {
      const rate = rates.get(start) ?? { sent: 0, delivered: 0, answered: 0 };
      return {
        start,
        end:
          shiftPeriod(start, unit, 1) > until ? until : addDaysBefore(shiftPeriod(start, unit, 1)),
        overall: cellAt(start, OVERALL, OVERALL),
        segments: query.segment
          ? values.map((value) => ({ value, ...cellAt(start, query.segment!, value) }))
          : [],
        responseRate: { ...rate, rate: rate.delivered > 0 ? rate.answered / rate.delivered : null },
      };
    }),
    trend: trendOf(
      survey.kind,
      periods.map((p) => at(p, OVERALL, OVERALL)),
      conf,
    ),
    segmentTrends: query.segment
      ? values.map((value) => ({
          value,
          trend: trendOf(
            survey.kind,
            periods.map((p) => at(p, query.segment!, value)),
            conf,
          ),
        }))
      : [],
  };
}

const addDaysBefore = (day: string) => shiftPeriod(day, 'day', -1);

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
    unit: 'day',
    bySurvey: true,
  });
  const bySurvey = new Map<string, number[]>();
  for (const row of rows) {
    bySurvey.set(
      row.surveyId!,
      addCounts(bySurvey.get(row.surveyId!) ?? emptyCounts(), row.counts),
    );
  }
  const byKind: Record<SurveyKind, number[] | null> = { nps: null, csat: null, ces: null };
  for (const s of surveys) {
    byKind[s.kind] = addCounts(
      byKind[s.kind] ?? emptyCounts(),
      bySurvey.get(s.id) ?? emptyCounts(),
    );
  }
  const headline = (kind: SurveyKind) => {
    const counts = byKind[kind];
    return counts ? scoreCell(kind, counts, query.confidence) : null;
  };
  return {
    since,
    until,
    timeZone: workspace.time_zone,
    headline: { nps: headline('nps'), csat: headline('csat'), ces: headline('ces') },
    surveys: surveys.map((s) => ({
      surveyId: s.id,
      name: s.name,
      kind: s.kind,
      status: s.status,
      overall: scoreCell(s.kind, bySurvey.get(s.id) ?? emptyCounts(), query.confidence),
    })),
  };
}
