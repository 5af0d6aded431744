import type { SurveyKind } from '../../db/schema';
import {
  benchmarkVerdict,
  compareNps,
  compareProportions,
  fitTrend,
  npsCountsFromScoreCounts,
  npsPoints,
  npsTrendPoints,
  ratingCountsFromScoreCounts,
  scoreNps,
  scoreRating,
  scoreShare,
  shareCountsFromScoreCounts,
} from '../scoring';
import type { TrendPoint } from '../scoring';
import { KINDS } from '../surveys/scales';
import type { Cell, SurveyMetricsDto } from './metrics.schemas';
import { SCORE_SLOTS } from './rollup.repository';

export { SCORE_SLOTS };

const ALPHA = 0.05;
export const emptyCounts = () => Array.from({ length: SCORE_SLOTS }, () => 0);
export const addCounts = (a: number[], b: number[]) => a.map((v, i) => v + (b[i] ?? 0));
const sliceFor = (kind: SurveyKind, counts: number[]) => counts.slice(0, KINDS[kind].max + 1);

/** What the change between two cells is measured in, per kind. */
const CHANGE_MEASURE = {
  nps: 'npsPoints',
  enps: 'npsPoints',
  csat: 'csatPercent',
  ces: 'cesAgreePercent',
  stars: 'topBoxPercent',
  smileys: 'topBoxPercent',
  thumbs: 'thumbsUpPercent',
  pmf: 'veryDisappointedPercent',
} as const satisfies Record<SurveyKind, NonNullable<Cell['change']>['measure']>;

/** Names of the categories a cell splits its answers into (below the positive cut, and above). */
function categoriesOf(kind: SurveyKind, distribution: number[]): Record<string, number> {
  const at = (from: number, to: number) =>
    distribution.slice(from, to + 1).reduce((a, b) => a + b, 0);
  const { min, max, positiveMin } = KINDS[kind];
  switch (kind) {
    case 'nps':
    case 'enps':
      return { ...npsCountsFromScoreCounts(distribution) };
    case 'csat':
      return { satisfied: at(positiveMin, max), notSatisfied: at(min, positiveMin - 1) };
    case 'ces':
      return { agree: at(5, 7), neutral: at(4, 4), disagree: at(1, 3) };
    case 'stars':
    case 'smileys':
      return { top: at(4, 5), neutral: at(3, 3), bottom: at(1, 2) };
    case 'thumbs':
      return { up: at(1, 1), down: at(0, 0) };
    case 'pmf':
      return {
        veryDisappointed: at(3, 3),
        somewhatDisappointed: at(2, 2),
        notDisappointed: at(1, 1),
      };
  }
}

/** Score, interval and categories of one cell (a period, a segment value, or a range). */
export function scoreCell(kind: SurveyKind, counts: number[], confidence: number): Cell {
  const spec = KINDS[kind];
  const distribution = sliceFor(kind, counts);
  const categories = categoriesOf(kind, distribution);
  switch (spec.family) {
    case 'nps': {
      const s = scoreNps(npsCountsFromScoreCounts(distribution), { confidence });
      return {
        n: s.n,
        score: s.npsPoints,
        interval: s.interval,
        categories,
        distribution,
        tooFewResponses: s.tooFewResponses,
      };
    }
    case 'share': {
      const s = scoreShare(shareCountsFromScoreCounts(distribution, spec, spec.positiveMin), {
        confidence,
      });
      return {
        n: s.total,
        score: s.percent,
        interval: s.interval,
        categories,
        distribution,
        tooFewResponses: s.tooFewResponses,
        ...(spec.benchmarkPercent === undefined
          ? {}
          : {
              benchmark: {
                percent: spec.benchmarkPercent,
                verdict: benchmarkVerdict(s.interval, spec.benchmarkPercent),
              },
            }),
      };
    }
    case 'mean': {
      const s = scoreRating(
        ratingCountsFromScoreCounts(distribution, spec, spec.positiveMin),
        spec,
        {
          confidence,
        },
      );
      return {
        n: s.total,
        score: s.meanScore,
        interval: s.meanInterval,
        categories,
        distribution,
        tooFewResponses: s.tooFewResponses,
        share: { from: spec.positiveMin, percent: s.topPercent, interval: s.topInterval },
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
  const spec = KINDS[kind];
  const cur = sliceFor(kind, current);
  const prev = sliceFor(kind, previous);
  const previousN = prev.reduce((a, b) => a + b, 0);
  const base = { comparedTo, previousN, measure: CHANGE_MEASURE[kind] };
  if (spec.family === 'nps') {
    const a = npsCountsFromScoreCounts(cur);
    const b = npsCountsFromScoreCounts(prev);
    const t = compareNps(a, b, { confidence });
    return {
      ...base,
      previousScore: npsPoints(b),
      difference: t?.rawDifferencePoints ?? null,
      pValue: t?.pValue ?? null,
      interval: t?.interval ?? null,
      significant: !!t && t.pValue < ALPHA,
    };
  }
  // NOTE: the mean kinds (CES, stars, smileys) are tested on their top-box share, which has a
  // published test; the mean is shown as is.
  const b = shareCountsFromScoreCounts(prev, spec, spec.positiveMin);
  const t = compareProportions(shareCountsFromScoreCounts(cur, spec, spec.positiveMin), b, {
    confidence,
  });
  return {
    ...base,
    previousScore: scoreShare(b).percent,
    difference: t?.differencePercent ?? null,
    pValue: t?.pValue ?? null,
    interval: t?.interval ?? null,
    significant: !!t && t.pValue < ALPHA,
  };
}

/** Least-squares slope over the periods (NPS weighted by 1/SE², the other kinds by n). */
export function trendOf(
  kind: SurveyKind,
  series: number[][],
  confidence: number,
): SurveyMetricsDto['trend'] {
  let points: TrendPoint[];
  if (KINDS[kind].family === 'nps') {
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
