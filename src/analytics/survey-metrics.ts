import type { SurveyKind } from '../../db/schema';
import { familyOf } from '../surveys/scales';
import type { MetricsQuery, SurveyMetricsDto, Cell } from './metrics.schemas';
import type { ResponseRate } from './metrics.repository';
import type { PeriodCountsRow } from './rollup.repository';
import { addCounts, compareCells, emptyCounts, scoreCell, trendOf } from './cells';
import {
  comparisonStart,
  localDate,
  periodsBetween,
  periodStart,
  shiftPeriod,
} from '../platform/periods';
import type { PeriodUnit } from '../platform/periods';

export const OVERALL = '';

/** A metrics query with its dates resolved, and the range of rollup days it must read. */
export interface ResolvedMetricsQuery {
  unit: PeriodUnit;
  since: string;
  until: string;
  periods: string[];
  /** First period shown. */
  first: string;
  /** First day read: the comparison period of `first` when comparing. */
  from: string;
  compareTo: (period: string) => string;
}

export function resolveMetricsQuery(
  query: MetricsQuery,
  today: () => string,
): ResolvedMetricsQuery {
  const unit = query.interval;
  const until = query.until ?? today();
  const since = query.since ?? shiftPeriod(periodStart(until, unit), unit, -11);
  const periods = periodsBetween(since, until, unit);
  const first = periods[0] ?? periodStart(since, unit);
  const compareTo = (period: string) => comparisonStart(period, unit, query.compare ?? 'previous');
  const from = query.compare ? compareTo(first) : first;
  return { unit, since, until, periods, first, from, compareTo };
}

/** The workspace's local date now, for queries without `until`. */
export const todayIn = (now: Date, timeZone: string) => () => localDate(now, timeZone);

function indexCounts(rows: readonly PeriodCountsRow[]) {
  const map = new Map<string, number[]>();
  for (const row of rows) {
    const key = `${row.period}\u0000${row.dimension}\u0000${row.value}`;
    map.set(key, addCounts(map.get(key) ?? emptyCounts(), row.counts));
  }
  return (period: string, dimension: string, value: string) =>
    map.get(`${period}\u0000${dimension}\u0000${value}`) ?? emptyCounts();
}

const addDaysBefore = (day: string) => shiftPeriod(day, 'day', -1);

/**
 * Scores per period (and per segment value), each with its interval, change vs the comparison
 * period and small-sample flag, plus the trend, from the survey's rollup rows of
 * [r.from, r.until] (overall and the query's segment) and its response rates by period.
 */
export function surveyMetricsFromRows(
  survey: { id: string; kind: SurveyKind },
  timeZone: string,
  query: MetricsQuery,
  r: ResolvedMetricsQuery,
  rows: readonly PeriodCountsRow[],
  rates: ReadonlyMap<string, ResponseRate>,
): SurveyMetricsDto {
  const { unit, until, periods, first, compareTo } = r;
  const at = indexCounts(rows);
  const values = [
    ...new Set(rows.filter((row) => row.dimension === query.segment).map((row) => row.value)),
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
    surveyId: survey.id,
    kind: survey.kind,
    timeZone,
    since: first,
    until,
    interval: unit,
    segment: query.segment ?? null,
    compare: query.compare ?? null,
    n: overall.n,
    overall,
    ...(familyOf(survey.kind) === 'nps'
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
