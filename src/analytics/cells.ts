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
import type { NpsCounts, ProportionCounts, TrendPoint } from '../scoring';
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
function categoriesOf(
  kind: SurveyKind,
  distribution: number[],
  nps: () => NpsCounts,
): Record<string, number> {
  const at = (from: number, to: number) =>
    distribution.slice(from, to + 1).reduce((a, b) => a + b, 0);
  const { min, max, positiveMin } = KINDS[kind];
  switch (kind) {
    case 'nps':
    case 'enps':
      return { ...nps() };
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

/**
 * One cell's counts and what scoring and comparing it needs, each derived at most once: a
 * period's cell is scored for itself and read again as the next period's comparison and in
 * the trend.
 */
export interface CellCounts {
  /** counts sliced to the kind's scale. */
  readonly distribution: number[];
  readonly nps: () => NpsCounts;
  readonly share: () => ProportionCounts;
  /** The score a comparison shows for this cell as the previous one. */
  readonly comparedScore: () => number | null;
  readonly cell: () => Cell;
}

const once = <T>(fn: () => T): (() => T) => {
  let done = false;
  let value: T;
  return () => {
    if (!done) {
      value = fn();
      done = true;
    }
    return value;
  };
};

export function cellCounts(kind: SurveyKind, counts: number[], confidence: number): CellCounts {
  const spec = KINDS[kind];
  const distribution = sliceFor(kind, counts);
  const nps = once(() => npsCountsFromScoreCounts(distribution));
  const share = once(() => shareCountsFromScoreCounts(distribution, spec, spec.positiveMin));
  const self: CellCounts = {
    distribution,
    nps,
    share,
    comparedScore: once(() =>
      spec.family === 'nps' ? npsPoints(nps()) : scoreShare(share()).percent,
    ),
    cell: once(() => scoreCounts(kind, self, confidence)),
  };
  return self;
}

/** Score, interval and categories of one cell (a period, a segment value, or a range). */
export function scoreCell(kind: SurveyKind, counts: number[], confidence: number): Cell {
  return cellCounts(kind, counts, confidence).cell();
}

function scoreCounts(kind: SurveyKind, c: CellCounts, confidence: number): Cell {
  const spec = KINDS[kind];
  const { distribution } = c;
  const categories = categoriesOf(kind, distribution, c.nps);
  switch (spec.family) {
    case 'nps': {
      const s = scoreNps(c.nps(), { confidence });
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
      const s = scoreShare(c.share(), { confidence });
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
  return compareCellCounts(
    kind,
    cellCounts(kind, current, confidence),
    cellCounts(kind, previous, confidence),
    comparedTo,
    confidence,
  );
}

/** {@link compareCells} on cells whose derived counts are kept. */
export function compareCellCounts(
  kind: SurveyKind,
  current: CellCounts,
  previous: CellCounts,
  comparedTo: string,
  confidence: number,
): NonNullable<Cell['change']> {
  const previousN = previous.distribution.reduce((a, b) => a + b, 0);
  // NOTE: plain literals, not `{ ...base, … }`: the spread cost a quarter of a 24-month metrics
  // response's CPU (504 cells). Same keys in the same order.
  if (KINDS[kind].family === 'nps') {
    const t = compareNps(current.nps(), previous.nps(), { confidence });
    return {
      comparedTo,
      previousN,
      measure: CHANGE_MEASURE[kind],
      previousScore: previous.comparedScore(),
      difference: t?.rawDifferencePoints ?? null,
      pValue: t?.pValue ?? null,
      interval: t?.interval ?? null,
      significant: !!t && t.pValue < ALPHA,
    };
  }
  // NOTE: the mean kinds (CES, stars, smileys) are tested on their top-box share, which has a
  // published test; the mean is shown as is.
  const t = compareProportions(current.share(), previous.share(), { confidence });
  return {
    comparedTo,
    previousN,
    measure: CHANGE_MEASURE[kind],
    previousScore: previous.comparedScore(),
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
  return trendOfCells(
    kind,
    series.map((counts) => cellCounts(kind, counts, confidence)),
    confidence,
  );
}

/** {@link trendOf} on cells whose derived counts are kept. */
export function trendOfCells(
  kind: SurveyKind,
  series: readonly CellCounts[],
  confidence: number,
): SurveyMetricsDto['trend'] {
  let points: TrendPoint[];
  if (KINDS[kind].family === 'nps') {
    points = npsTrendPoints(series.map((c) => c.nps()));
  } else {
    points = series.flatMap((c, period) => {
      const cell = c.cell();
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
