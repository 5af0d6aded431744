import { assertCount, assertPartOfWhole } from './guards';
import { countScores, sumScoreRange } from './score-counts';

/** The CES 2.0 answer scale, 1–7 (1 = strongly disagree it was easy, 7 = strongly agree). */
export const CES_SCALE = { min: 1, max: 7 } as const;

/** Lowest answer that counts as "at least somewhat agree" (5–7). */
export const CES_AGREE_MIN = 5;

/**
 * Sufficient statistics for CES, all computable in SQL: `count(*)`, `sum(score)`,
 * `sum(score * score)`, `count(*) filter (where score >= 5)`.
 */
export interface CesCounts {
  /** Number of answers. */
  readonly total: number;
  /** Sum of the 1–7 answers. */
  readonly sum: number;
  /** Sum of squared answers. */
  readonly sumOfSquares: number;
  /** Answers 5–7. */
  readonly agree: number;
}

/**
 * Builds {@link CesCounts} from per-score counts (index = score value 1…7; index 0 must be
 * empty), docs/statistics.md. Throws a RangeError for negative counts or answers off 1–7.
 */
export function cesCountsFromScoreCounts(scoreCounts: readonly number[]): CesCounts {
  const total = sumScoreRange(scoreCounts, CES_SCALE, CES_SCALE.min, CES_SCALE.max);
  let sum = 0;
  let sumOfSquares = 0;
  scoreCounts.forEach((count, score) => {
    sum += count * score;
    sumOfSquares += count * score * score;
  });
  const agree = sumScoreRange(scoreCounts, CES_SCALE, CES_AGREE_MIN, CES_SCALE.max);
  return { total, sum, sumOfSquares, agree };
}

/** Builds {@link CesCounts} from raw 1–7 answers. Throws a RangeError for off-scale answers. */
export function cesCountsFromScores(scores: readonly number[]): CesCounts {
  return cesCountsFromScoreCounts(countScores(scores, CES_SCALE));
}

/** Checks a {@link CesCounts} (non-negative, agree ≤ total, sum within 1–7 range) and returns n (§7). */
export function cesTotal(counts: CesCounts): number {
  assertCount(counts.total, 'total');
  assertCount(counts.agree, 'agree');
  assertCount(counts.sum, 'sum');
  assertCount(counts.sumOfSquares, 'sumOfSquares');
  assertPartOfWhole(counts.agree, 'agree', counts.total, 'total');
  const slack = 1e-9 * Math.max(1, counts.sum);
  if (
    counts.sum < CES_SCALE.min * counts.total - slack ||
    counts.sum > CES_SCALE.max * counts.total + slack
  ) {
    throw new RangeError(`sum ${counts.sum} is impossible for ${counts.total} answers on 1–7`);
  }
  return counts.total;
}

/** CES mean on the 1–7 scale (docs/statistics.md; CYS Group's worked example). Null when total = 0. */
export function cesMean(counts: CesCounts): number | null {
  const total = cesTotal(counts);
  return total === 0 ? null : counts.sum / total;
}

/**
 * Sample standard deviation s of the 1–7 answers (n − 1 denominator, docs/statistics.md).
 * Null when total < 2.
 */
export function cesStandardDeviation(counts: CesCounts): number | null {
  const n = cesTotal(counts);
  if (n < 2) {
    return null;
  }
  // NOTE: n·Σx² − (Σx)² is exact for integer rollups below 2^53; clamp guards rounding with weights.
  const variance = (n * counts.sumOfSquares - counts.sum * counts.sum) / (n * (n - 1));
  return Math.sqrt(Math.max(0, variance));
}

/** CES % agree = share of 5–7 answers in percent, 0…100 (docs/statistics.md). Null when total = 0. */
export function cesAgreePercent(counts: CesCounts): number | null {
  const total = cesTotal(counts);
  return total === 0 ? null : (100 * counts.agree) / total;
}
