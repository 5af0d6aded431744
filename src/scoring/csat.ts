import { assertCount, assertPartOfWhole } from './guards';
import { countScores, sumScoreRange } from './score-counts';

/** The CSAT answer scale, 1–5. */
export const CSAT_SCALE = { min: 1, max: 5 } as const;

/** Lowest answer that counts as satisfied (top-2-box: 4 and 5). */
export const CSAT_SATISFIED_MIN = 4;

/** CSAT counts: answers 4–5 and all answers. SQL: `count(*) filter (where score >= 4)`, `count(*)`. */
export interface CsatCounts {
  /** Answers 4 ("satisfied") or 5 ("very satisfied"). */
  readonly satisfied: number;
  /** All answers on 1–5. */
  readonly total: number;
}

/**
 * Buckets per-score counts (index = score value; index 0 must be empty) into CSAT counts
 * (docs/statistics.md). Throws a RangeError for negative counts or answers off 1–5.
 */
export function csatCountsFromScoreCounts(scoreCounts: readonly number[]): CsatCounts {
  return {
    satisfied: sumScoreRange(scoreCounts, CSAT_SCALE, CSAT_SATISFIED_MIN, CSAT_SCALE.max),
    total: sumScoreRange(scoreCounts, CSAT_SCALE, CSAT_SCALE.min, CSAT_SCALE.max),
  };
}

/** Buckets raw 1–5 answers into CSAT counts (§2). Throws a RangeError for off-scale answers. */
export function csatCountsFromScores(scores: readonly number[]): CsatCounts {
  return csatCountsFromScoreCounts(countScores(scores, CSAT_SCALE));
}

/** Checks a {@link CsatCounts} (non-negative, satisfied ≤ total) and returns n for §7.1. */
export function csatTotal(counts: CsatCounts): number {
  assertCount(counts.satisfied, 'satisfied');
  assertCount(counts.total, 'total');
  assertPartOfWhole(counts.satisfied, 'satisfied', counts.total, 'total');
  return counts.total;
}

/** CSAT = share of 4–5 answers in percent, 0…100 (docs/statistics.md). Null when total = 0. */
export function csatPercent(counts: CsatCounts): number | null {
  const total = csatTotal(counts);
  return total === 0 ? null : (100 * counts.satisfied) / total;
}
