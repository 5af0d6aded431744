import type { SurveyKind } from '../../db/schema';
import { familyOf } from '../surveys/scales';
import type { MetricsQuery, SurveyMetricsDto, Cell } from './metrics.schemas';
import type { ResponseRate } from './metrics.repository';
import type { PeriodCountsRow } from './rollup.repository';
import {
  addCounts,
  cellCounts,
  compareCellCounts,
  emptyCounts,
  scoreCell,
  trendOfCells,
} from './cells';
import type { CellCounts } from './cells';
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

/** Counts per series (dimension and value) and period, summed from the rows. */
function indexCounts(rows: readonly PeriodCountsRow[]) {
  const map = new Map<string, Map<string, number[]>>();
  for (const row of rows) {
    const key = `${row.dimension}\u0000${row.value}`;
    let series = map.get(key);
    if (!series) {
      series = new Map();
      map.set(key, series);
    }
    const seen = series.get(row.period);
    series.set(row.period, seen ? addCounts(seen, row.counts) : row.counts);
  }
  return map;
}

/**
 * The cells of a response by series (dimension and value), then period, each scored once: a
 * period's cell is shown, compared with the period before and read by the trend, so its
 * derived counts are kept. Absent cells read as zeros.
 */
function cellBook(kind: SurveyKind, rows: readonly PeriodCountsRow[], confidence: number) {
  const counts = indexCounts(rows);
  const empty = emptyCounts();
  return (dimension: string, value: string) => {
    const own = counts.get(`${dimension}\u0000${value}`);
    const cells = new Map<string, CellCounts>();
    return (period: string): CellCounts => {
      let cell = cells.get(period);
      if (!cell) {
        cell = cellCounts(kind, own?.get(period) ?? empty, confidence);
        cells.set(period, cell);
      }
      return cell;
    };
  };
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
  const conf = query.confidence;
  const book = cellBook(survey.kind, rows, conf);
  const values = [
    ...new Set(rows.filter((row) => row.dimension === query.segment).map((row) => row.value)),
  ].sort();
  const overallSeries = book(OVERALL, OVERALL);
  const segmentSeries = values.map((value) => ({ value, at: book(query.segment!, value) }));
  const previousOf = new Map(periods.map((p) => [p, compareTo(p)]));

  type Series = (period: string) => CellCounts;
  const changeAt = (at: Series, period: string) => {
    const prev = previousOf.get(period)!;
    return compareCellCounts(survey.kind, at(period), at(prev), prev, conf);
  };
  // NOTE: one spread per shown cell (a segment's value, the cell, its change), not two.
  const cellAt = (at: Series, period: string): Cell =>
    query.compare ? { ...at(period).cell(), change: changeAt(at, period) } : at(period).cell();
  const segmentAt = (s: { value: string; at: Series }, period: string) =>
    query.compare
      ? { value: s.value, ...s.at(period).cell(), change: changeAt(s.at, period) }
      : { value: s.value, ...s.at(period).cell() };

  const total = periods.reduce(
    (acc, p) => addCounts(acc, overallSeries(p).distribution),
    emptyCounts(),
  );
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
        overall: cellAt(overallSeries, start),
        segments: segmentSeries.map((series) => segmentAt(series, start)),
        responseRate: { ...rate, rate: rate.delivered > 0 ? rate.answered / rate.delivered : null },
      };
    }),
    trend: trendOfCells(survey.kind, periods.map(overallSeries), conf),
    segmentTrends: segmentSeries.map((series) => ({
      value: series.value,
      trend: trendOfCells(survey.kind, periods.map(series.at), conf),
    })),
  };
}
