import type { SurveyKind } from '../../db/schema';
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
import type { Cell, SurveyMetricsDto } from './metrics.schemas';
import { SCORE_SLOTS } from './rollup.repository';

export { SCORE_SLOTS };

const ALPHA = 0.05;
export const emptyCounts = () => Array.from({ length: SCORE_SLOTS }, () => 0);
export const addCounts = (a: number[], b: number[]) => a.map((v, i) => v + (b[i] ?? 0));
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
