import { assertCount, assertPartOfWhole } from './guards';
import type { Interval } from './intervals';
import { DEFAULT_CONFIDENCE, meanTInterval, wilsonInterval } from './intervals';
import type { ScoreScale } from './score-counts';
import { sumScoreRange } from './score-counts';
import type { ProportionCounts } from './significance';
import { isSmallSample } from './summary';
import type { SummaryOptions } from './summary';

/**
 * Generic forms of the CSAT and CES figures for the other closed scales (stars and smileys
 * 1–5, thumbs 0–1, PMF 1–3): a share of answers at or above a cut with its Wilson interval
 * (docs/statistics.md §7.1), and a mean with its t interval (§7.2).
 */

/** Successes = answers in `[positiveMin, scale.max]`, total = all answers on the scale. */
export function shareCountsFromScoreCounts(
  scoreCounts: readonly number[],
  scale: ScoreScale,
  positiveMin: number,
): ProportionCounts {
  return {
    successes: sumScoreRange(scoreCounts, scale, positiveMin, scale.max),
    total: sumScoreRange(scoreCounts, scale, scale.min, scale.max),
  };
}

export interface ShareSummary {
  readonly total: number;
  /** Share of positive answers in percent, 0…100; null when total = 0. */
  readonly percent: number | null;
  /** Wilson interval in percent; null when total = 0. */
  readonly interval: Interval | null;
  readonly tooFewResponses: boolean;
}

/** A share with its Wilson score interval (docs/statistics.md §7.1). */
export function scoreShare(counts: ProportionCounts, options: SummaryOptions = {}): ShareSummary {
  assertCount(counts.successes, 'successes');
  assertCount(counts.total, 'total');
  assertPartOfWhole(counts.successes, 'successes', counts.total, 'total');
  const confidence = options.confidence ?? DEFAULT_CONFIDENCE;
  return {
    total: counts.total,
    percent: counts.total === 0 ? null : (100 * counts.successes) / counts.total,
    interval: wilsonInterval(counts.successes, counts.total, confidence),
    tooFewResponses: isSmallSample(counts.total, options.minResponses),
  };
}

/** Sufficient statistics of answers on a closed scale, all computable from rollups. */
export interface RatingCounts {
  readonly total: number;
  readonly sum: number;
  readonly sumOfSquares: number;
  /** Answers in `[positiveMin, scale.max]` (the top box). */
  readonly top: number;
}

export function ratingCountsFromScoreCounts(
  scoreCounts: readonly number[],
  scale: ScoreScale,
  positiveMin: number,
): RatingCounts {
  const total = sumScoreRange(scoreCounts, scale, scale.min, scale.max);
  let sum = 0;
  let sumOfSquares = 0;
  scoreCounts.forEach((count, score) => {
    sum += count * score;
    sumOfSquares += count * score * score;
  });
  return {
    total,
    sum,
    sumOfSquares,
    top: sumScoreRange(scoreCounts, scale, positiveMin, scale.max),
  };
}

export interface RatingSummary {
  readonly total: number;
  /** Mean answer on the scale; null when total = 0. */
  readonly meanScore: number | null;
  /** Sample standard deviation (n − 1); null when total < 2. */
  readonly standardDeviation: number | null;
  /** t interval for the mean, display clipped to the scale; null when total < 2. */
  readonly meanInterval: Interval | null;
  /** Share of top answers in percent; null when total = 0. */
  readonly topPercent: number | null;
  /** Wilson interval of the top share in percent; null when total = 0. */
  readonly topInterval: Interval | null;
  readonly tooFewResponses: boolean;
}

/**
 * Mean with its t interval, mean ± t(n−1)·s/√n (docs/statistics.md §7.2), and the top-box
 * share with its Wilson interval (§7.1), for a closed scale such as stars 1–5.
 */
export function scoreRating(
  counts: RatingCounts,
  scale: ScoreScale,
  options: SummaryOptions = {},
): RatingSummary {
  assertCount(counts.total, 'total');
  assertCount(counts.sumOfSquares, 'sumOfSquares');
  assertPartOfWhole(counts.top, 'top', counts.total, 'total');
  const n = counts.total;
  const confidence = options.confidence ?? DEFAULT_CONFIDENCE;
  const meanScore = n === 0 ? null : counts.sum / n;
  // NOTE: n·Σx² − (Σx)² is exact for integer rollups below 2^53; the clamp guards rounding.
  const standardDeviation =
    n < 2
      ? null
      : Math.sqrt(Math.max(0, (n * counts.sumOfSquares - counts.sum * counts.sum) / (n * (n - 1))));
  return {
    total: n,
    meanScore,
    standardDeviation,
    meanInterval:
      meanScore === null || standardDeviation === null
        ? null
        : meanTInterval({ mean: meanScore, standardDeviation, n }, scale, confidence),
    topPercent: n === 0 ? null : (100 * counts.top) / n,
    topInterval: wilsonInterval(counts.top, n, confidence),
    tooFewResponses: isSmallSample(n, options.minResponses),
  };
}

/**
 * Reads a share's interval against a fixed line (PMF's 40 % of "very disappointed", Sean
 * Ellis): `above` when the whole interval is above it, `below` when wholly below, else `unclear`.
 */
export function benchmarkVerdict(
  interval: Interval | null,
  benchmarkPercent: number,
): 'above' | 'below' | 'unclear' | null {
  if (!interval) {
    return null;
  }
  if (interval.lower > benchmarkPercent) {
    return 'above';
  }
  if (interval.upper < benchmarkPercent) {
    return 'below';
  }
  return 'unclear';
}
