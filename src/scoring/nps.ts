import { assertCount } from './guards';
import { checkScoreCount, countScores } from './score-counts';

/**
 * Respondent counts by NPS category (docs/statistics.md). Counts are finite numbers >= 0;
 * whole numbers in practice, fractional survey weights are accepted.
 */
export interface NpsCounts {
  /** Answers 9–10. */
  readonly promoters: number;
  /** Answers 7–8. */
  readonly passives: number;
  /** Answers 0–6. */
  readonly detractors: number;
}

/** Category cut points on an integer scale starting at 0 (R package NPS `breaks`). */
export interface NpsBreaks {
  /** Highest score that counts as a detractor (6 by default). */
  readonly detractorMax: number;
  /** Highest score that counts as a passive (8 by default). */
  readonly passiveMax: number;
  /** Top of the scale (10 by default). */
  readonly scaleMax: number;
}

/** The standard 0–6 / 7–8 / 9–10 split, R's `breaks = c(0, 6, 8, 10)` (§2). */
export const NPS_BREAKS: NpsBreaks = { detractorMax: 6, passiveMax: 8, scaleMax: 10 };

/**
 * Buckets per-score counts (index = score value 0…scaleMax) into NPS categories (§2, §3
 * custom-breaks vector). Throws a RangeError for negative/non-finite counts or answers above
 * `scaleMax`.
 */
export function npsCountsFromScoreCounts(
  scoreCounts: readonly number[],
  breaks: NpsBreaks = NPS_BREAKS,
): NpsCounts {
  const scale = { min: 0, max: breaks.scaleMax };
  // NOTE: one pass doing what three sumScoreRange calls did (the same checks, in the same
  // order, and the same sums): metrics bucket hundreds of cells per request.
  let detractors = 0;
  let passives = 0;
  let promoters = 0;
  for (let score = 0; score < scoreCounts.length; score++) {
    if (!(score in scoreCounts)) {
      continue;
    }
    const count = scoreCounts[score]!;
    checkScoreCount(count, score, scale);
    if (score >= 0 && score <= breaks.detractorMax) {
      detractors += count;
    }
    if (score >= breaks.detractorMax + 1 && score <= breaks.passiveMax) {
      passives += count;
    }
    if (score >= breaks.passiveMax + 1 && score <= breaks.scaleMax) {
      promoters += count;
    }
  }
  return { detractors, passives, promoters };
}

/** Buckets raw 0–10 answers into NPS categories (§2). Throws a RangeError for off-scale answers. */
export function npsCountsFromScores(
  scores: readonly number[],
  breaks: NpsBreaks = NPS_BREAKS,
): NpsCounts {
  return npsCountsFromScoreCounts(countScores(scores, { min: 0, max: breaks.scaleMax }), breaks);
}

/** Adds category counts, e.g. daily rollups into a month (§9: rollup aggregation = in-memory). */
export function sumNpsCounts(list: readonly NpsCounts[]): NpsCounts {
  return list.reduce<NpsCounts>(
    (acc, c) => ({
      promoters: acc.promoters + c.promoters,
      passives: acc.passives + c.passives,
      detractors: acc.detractors + c.detractors,
    }),
    { promoters: 0, passives: 0, detractors: 0 },
  );
}

/** n = D + P + C (docs/statistics.md notation), after checking every count is a finite number >= 0. */
export function npsTotal(counts: NpsCounts): number {
  assertCount(counts.promoters, 'promoters');
  assertCount(counts.passives, 'passives');
  assertCount(counts.detractors, 'detractors');
  return counts.promoters + counts.passives + counts.detractors;
}

/** NPS on the proportion scale, c − d = (C − D)/n in [−1, 1] (docs/statistics.md–3). Null when n = 0. */
export function npsProportion(counts: NpsCounts): number | null {
  const n = npsTotal(counts);
  return n === 0 ? null : (counts.promoters - counts.detractors) / n;
}

/** NPS = %promoters − %detractors in points, −100…100 (Reichheld; docs/statistics.md). Null when n = 0. */
export function npsPoints(counts: NpsCounts): number | null {
  const p = npsProportion(counts);
  return p === null ? null : 100 * p;
}

/**
 * Per-respondent variance of the −1/0/+1 score, V = (c + d) − (c − d)², in [0, 1] on the
 * proportion scale (docs/statistics.md; R `nps_var`). Null when n = 0.
 */
export function npsVariance(counts: NpsCounts): number | null {
  const n = npsTotal(counts);
  if (n === 0) {
    return null;
  }
  const c = counts.promoters / n;
  const d = counts.detractors / n;
  // NOTE: clamped because rounding can leave −1e-17 when everyone is in one bucket.
  return Math.max(0, c + d - (c - d) ** 2);
}

/** Standard error of NPS in points, 100·sqrt(V/n) (docs/statistics.md; R `nps_se`). Null when n = 0. */
export function npsStandardErrorPoints(counts: NpsCounts): number | null {
  const v = npsVariance(counts);
  return v === null ? null : 100 * Math.sqrt(v / npsTotal(counts));
}

/** Category shares in percent (0…100); all null when n = 0. */
export interface NpsShares {
  readonly promoterPercent: number | null;
  readonly passivePercent: number | null;
  readonly detractorPercent: number | null;
}

/** Shares of promoters, passives and detractors in percent (§2). Null fields when n = 0. */
export function npsShares(counts: NpsCounts): NpsShares {
  const n = npsTotal(counts);
  const pct = (x: number): number | null => (n === 0 ? null : (100 * x) / n);
  return {
    promoterPercent: pct(counts.promoters),
    passivePercent: pct(counts.passives),
    detractorPercent: pct(counts.detractors),
  };
}
