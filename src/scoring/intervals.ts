import { normalCriticalValue, studentTCriticalValue } from './distributions';
import { assertCount, assertPartOfWhole, clamp } from './guards';
import type { NpsCounts } from './nps';
import { npsProportion, npsTotal, npsVariance } from './nps';

/** Default confidence level for every interval and test. */
export const DEFAULT_CONFIDENCE = 0.95;

/**
 * A confidence interval in the units of the estimate it belongs to (NPS points, percent, or
 * 1–7 score units; the field or function name says which).
 */
export interface Interval {
  /** Lower bound exactly as the method computes it; may fall below the scale (e.g. adjusted Wald). */
  readonly lower: number;
  /** Upper bound exactly as the method computes it; may rise above the scale. */
  readonly upper: number;
  /** `lower` clipped to the scale, for display. */
  readonly displayLower: number;
  /** `upper` clipped to the scale, for display. */
  readonly displayUpper: number;
  /** Confidence level, e.g. 0.95. */
  readonly confidence: number;
}

/** Inclusive bounds of a scale, used to clip display bounds. */
export interface Range {
  readonly min: number;
  readonly max: number;
}

/** NPS points, −100…100. */
export const NPS_POINTS_RANGE: Range = { min: -100, max: 100 };
/** Percent share, 0…100. */
export const PERCENT_RANGE: Range = { min: 0, max: 100 };

/** Builds an {@link Interval} whose display bounds are the raw bounds clipped to `range`. */
export function toInterval(
  lower: number,
  upper: number,
  range: Range,
  confidence: number,
): Interval {
  return {
    lower,
    upper,
    displayLower: clamp(lower, range.min, range.max),
    displayUpper: clamp(upper, range.min, range.max),
    confidence,
  };
}

/**
 * Plain Wald interval for NPS in points: NPS ± z·sqrt(V/n) (docs/statistics.md). For comparison
 * only: it collapses to zero width when every answer is in one bucket. Null when n = 0.
 */
export function npsWaldInterval(
  counts: NpsCounts,
  confidence: number = DEFAULT_CONFIDENCE,
): Interval | null {
  const z = normalCriticalValue(confidence);
  const nps = npsProportion(counts);
  const v = npsVariance(counts);
  if (nps === null || v === null) {
    return null;
  }
  const half = z * Math.sqrt(v / npsTotal(counts));
  return toInterval(100 * (nps - half), 100 * (nps + half), NPS_POINTS_RANGE, confidence);
}

/** Agresti–Coull style pseudo-observations added by the adjusted Wald method (§4.2, Rocks 2016). */
export const NPS_PSEUDO_OBSERVATIONS: NpsCounts = {
  detractors: 0.75,
  passives: 1.5,
  promoters: 0.75,
};

/** Adds 0.75 detractors, 1.5 passives and 0.75 promoters (n' = n + 3), docs/statistics.md */
export function adjustNpsCounts(counts: NpsCounts): NpsCounts {
  npsTotal(counts);
  return {
    detractors: counts.detractors + NPS_PSEUDO_OBSERVATIONS.detractors,
    passives: counts.passives + NPS_PSEUDO_OBSERVATIONS.passives,
    promoters: counts.promoters + NPS_PSEUDO_OBSERVATIONS.promoters,
  };
}

/** Adjusted Wald interval plus the adjusted NPS it is centred on. */
export interface AdjustedWaldInterval extends Interval {
  /** NPS' = (C' − D')/n' in points: the centre of the interval, not the headline NPS. */
  readonly adjustedNpsPoints: number;
}

/**
 * Adjusted Wald interval for NPS in points (docs/statistics.md, Rocks 2016; R
 * `nps_test(test = "adjusted.wald")`): Wald on D+0.75, P+1.5, C+0.75. Centred on the adjusted
 * NPS; raw bounds can pass ±100, display bounds are clipped. Null when n = 0.
 */
export function npsAdjustedWaldInterval(
  counts: NpsCounts,
  confidence: number = DEFAULT_CONFIDENCE,
): AdjustedWaldInterval | null {
  const z = normalCriticalValue(confidence);
  if (npsTotal(counts) === 0) {
    return null;
  }
  const adjusted = adjustNpsCounts(counts);
  const centre = npsProportion(adjusted) ?? 0;
  const half = z * Math.sqrt((npsVariance(adjusted) ?? 0) / npsTotal(adjusted));
  return {
    ...toInterval(100 * (centre - half), 100 * (centre + half), NPS_POINTS_RANGE, confidence),
    adjustedNpsPoints: 100 * centre,
  };
}

/** Tango's score statistic Z(Δ) for NPS = Δ (docs/statistics.md). */
function tangoZ(delta: number, counts: NpsCounts, n: number): number {
  const { detractors: d, promoters: c } = counts;
  const a = 2 * n;
  const b = -d - c + (2 * n + d - c) * delta;
  const k = -d * delta * (1 - delta);
  const root = Math.sqrt(Math.max(0, b * b - 4 * a * k));
  // Larger root of a·q² + b·q + k = 0, in the cancellation-free form.
  const q = b > 0 ? (2 * k) / (-b - root) : (-b + root) / (2 * a);
  const numerator = c - d - n * delta;
  const variance = n * (2 * q + delta * (1 - delta));
  if (!(variance > 0)) {
    return numerator === 0 ? 0 : Math.sign(numerator) * Infinity;
  }
  return numerator / Math.sqrt(variance);
}

/** Bisects for the boundary between `inside` (|Z| < z) and `outside`. */
function bisect(inside: number, outside: number, isInside: (delta: number) => boolean): number {
  let a = inside;
  let b = outside;
  for (let i = 0; i < 200 && Math.abs(b - a) > 1e-15; i++) {
    const mid = (a + b) / 2;
    if (isInside(mid)) {
      a = mid;
    } else {
      b = mid;
    }
  }
  return (a + b) / 2;
}

/**
 * Tango score interval for NPS in points (docs/statistics.md, Tango 1998; "iterative" in
 * Rocks 2016), solved by bisection. Never leaves [−100, 100]; the upper bound is 100 when
 * every answer is a promoter and the lower −100 when every answer is a detractor. Null when n = 0.
 */
export function npsTangoInterval(
  counts: NpsCounts,
  confidence: number = DEFAULT_CONFIDENCE,
): Interval | null {
  const z = normalCriticalValue(confidence);
  const n = npsTotal(counts);
  const nps = npsProportion(counts);
  if (nps === null) {
    return null;
  }
  const upper =
    counts.promoters === n ? 1 : bisect(nps, 1, (delta) => tangoZ(delta, counts, n) > -z);
  const lower =
    counts.detractors === n ? -1 : bisect(nps, -1, (delta) => tangoZ(delta, counts, n) < z);
  return toInterval(100 * lower, 100 * upper, NPS_POINTS_RANGE, confidence);
}

/**
 * Wilson score interval for a share in percent (docs/statistics.md, Wilson 1927; Newcombe
 * 1998): used for CSAT (4–5 of 1–5) and CES agree (5–7 of 1–7). Null when total = 0.
 */
export function wilsonInterval(
  successes: number,
  total: number,
  confidence: number = DEFAULT_CONFIDENCE,
): Interval | null {
  const z = normalCriticalValue(confidence);
  assertCount(successes, 'successes');
  assertCount(total, 'total');
  assertPartOfWhole(successes, 'successes', total, 'total');
  if (total === 0) {
    return null;
  }
  const p = successes / total;
  const z2n = (z * z) / total;
  const centre = (p + z2n / 2) / (1 + z2n);
  const half = (z / (1 + z2n)) * Math.sqrt((p * (1 - p)) / total + (z * z) / (4 * total * total));
  return toInterval(100 * (centre - half), 100 * (centre + half), PERCENT_RANGE, confidence);
}

/** Sample mean, sample standard deviation (n − 1 denominator) and size. */
export interface MeanSummary {
  readonly mean: number;
  readonly standardDeviation: number;
  readonly n: number;
}

/**
 * Student-t interval for a mean, mean ± t(n−1)·s/√n (docs/statistics.md), in the units of
 * the mean; display bounds are clipped to `range` (1–7 for CES). Null when n < 2 (no df).
 */
export function meanTInterval(
  summary: MeanSummary,
  range: Range,
  confidence: number = DEFAULT_CONFIDENCE,
): Interval | null {
  if (!Number.isFinite(summary.mean)) {
    throw new RangeError(`mean must be finite, got ${summary.mean}`);
  }
  assertCount(summary.standardDeviation, 'standardDeviation');
  assertCount(summary.n, 'n');
  if (summary.n < 2) {
    return null;
  }
  const t = studentTCriticalValue(confidence, summary.n - 1);
  const half = (t * summary.standardDeviation) / Math.sqrt(summary.n);
  return toInterval(summary.mean - half, summary.mean + half, range, confidence);
}
