import { assertCount } from './guards';

/** A closed integer answer scale, e.g. 0–10 for NPS, 1–5 for CSAT, 1–7 for CES. */
export interface ScoreScale {
  readonly min: number;
  readonly max: number;
}

/**
 * Builds per-score counts from raw answers: `result[score]` = how many answered `score`
 * (index = score value, length `scale.max + 1`). Throws a RangeError for a non-integer or
 * off-scale answer. This is the in-memory twin of a SQL `count(*) group by score` rollup.
 */
export function countScores(scores: readonly number[], scale: ScoreScale): number[] {
  const counts = new Array<number>(scale.max + 1).fill(0);
  for (const score of scores) {
    if (!Number.isInteger(score) || score < scale.min || score > scale.max) {
      throw new RangeError(`score ${score} is not an integer on ${scale.min}–${scale.max}`);
    }
    counts[score] = (counts[score] ?? 0) + 1;
  }
  return counts;
}

/**
 * Sums `scoreCounts[from..to]` (index = score value) after checking that every count is a
 * finite number >= 0 and that no answers sit outside `scale`. Missing trailing entries count as 0.
 */
export function sumScoreRange(
  scoreCounts: readonly number[],
  scale: ScoreScale,
  from: number,
  to: number,
): number {
  let total = 0;
  // NOTE: a plain loop (forEach's closure showed in metrics profiles); `in` skips holes as forEach does.
  for (let score = 0; score < scoreCounts.length; score++) {
    if (!(score in scoreCounts)) {
      continue;
    }
    const count = scoreCounts[score]!;
    checkScoreCount(count, score, scale);
    if (score >= from && score <= to) {
      total += count;
    }
  }
  return total;
}

/** Throws a RangeError unless `count` is a finite number >= 0, and 0 when `score` is off `scale`. */
export function checkScoreCount(count: number, score: number, scale: ScoreScale): void {
  assertCount(count, `count for score ${score}`);
  if (count > 0 && (score < scale.min || score > scale.max)) {
    throw new RangeError(
      `score ${score} has ${count} answers but the scale is ${scale.min}–${scale.max}`,
    );
  }
}
