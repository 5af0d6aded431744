import { weightedLinearRegression } from 'simple-statistics';
import { studentTCriticalValue, twoSidedStudentTPValue } from './distributions';
import { assertCount } from './guards';
import type { Interval } from './intervals';
import { DEFAULT_CONFIDENCE, adjustNpsCounts, toInterval } from './intervals';
import type { NpsCounts } from './nps';
import { npsPoints, npsTotal, npsVariance } from './nps';
import type { NpsComparison } from './significance';
import { compareNps } from './significance';
import { DEFAULT_MIN_RESPONSES } from './summary';

/** One period of a series, e.g. a month's NPS in points. */
export interface TrendPoint {
  /** Period index (e.g. months since an origin); gaps are allowed. */
  readonly period: number;
  /** The score for that period, in the series' units. */
  readonly value: number;
  /** Relative weight for weighted least squares, e.g. 1/SE²; default 1. 0 drops the point. */
  readonly weight?: number;
}

/** Least-squares trend line; slope and intercept in the series' units (per period). */
export interface TrendFit {
  /** Points with a positive weight. */
  readonly k: number;
  readonly slope: number;
  readonly intercept: number;
  /** SE(b) = sqrt(RSS/(k−2) / Σw(x−x̄)²). */
  readonly standardError: number;
  /** k − 2. */
  readonly degreesOfFreedom: number;
  /** slope / SE; null when the line fits exactly (SE = 0). */
  readonly tStatistic: number | null;
  /** Two-sided p-value for slope = 0 on k − 2 df (1 or 0 when SE = 0). */
  readonly pValue: number;
  /** slope ± t_{k−2}·SE; the slope has no natural bounds, so display bounds equal raw bounds. */
  readonly interval: Interval;
  /** interval.upper < 0: the "declining trend" flag of §6.1. */
  readonly declining: boolean;
  /** interval.lower > 0. */
  readonly rising: boolean;
}

/**
 * OLS (or WLS with `weight`) slope of value on period with its t interval on k − 2 df
 * (docs/statistics.md; matches SciPy `linregress` when unweighted). Null when fewer than three
 * points carry weight or all periods are equal.
 */
export function fitTrend(
  points: readonly TrendPoint[],
  options: { readonly confidence?: number } = {},
): TrendFit | null {
  const confidence = options.confidence ?? DEFAULT_CONFIDENCE;
  points.forEach((p, i) => {
    if (!Number.isFinite(p.period) || !Number.isFinite(p.value)) {
      throw new RangeError(`points[${i}] must have a finite period and value`);
    }
    assertCount(p.weight ?? 1, `points[${i}].weight`);
  });
  const used = points.filter((p) => (p.weight ?? 1) > 0);
  const k = used.length;
  if (k < 3) {
    return null;
  }
  const weights = used.map((p) => p.weight ?? 1);
  const totalWeight = weights.reduce((s, w) => s + w, 0);
  const meanX = used.reduce((s, p, i) => s + (weights[i] ?? 0) * p.period, 0) / totalWeight;
  const sxx = used.reduce((s, p, i) => s + (weights[i] ?? 0) * (p.period - meanX) ** 2, 0);
  if (!(sxx > 0)) {
    return null;
  }
  const { m: slope, b: intercept } = weightedLinearRegression(
    used.map((p) => [p.period, p.value]),
    weights,
  );
  const rss = used.reduce(
    (s, p, i) => s + (weights[i] ?? 0) * (p.value - (intercept + slope * p.period)) ** 2,
    0,
  );
  const df = k - 2;
  const standardError = Math.sqrt(rss / df / sxx);
  const tStatistic = standardError > 0 ? slope / standardError : null;
  const pValue =
    tStatistic === null ? (slope === 0 ? 1 : 0) : twoSidedStudentTPValue(tStatistic, df);
  const half = studentTCriticalValue(confidence, df) * standardError;
  const interval = toInterval(
    slope - half,
    slope + half,
    { min: -Infinity, max: Infinity },
    confidence,
  );
  return {
    k,
    slope,
    intercept,
    standardError,
    degreesOfFreedom: df,
    tStatistic,
    pValue,
    interval,
    declining: interval.upper < 0,
    rising: interval.lower > 0,
  };
}

/**
 * Turns consecutive periods of NPS counts into {@link TrendPoint}s in NPS points, weighted by
 * 1/SE² for the weighted slope of §6.1 (period = index + `firstPeriod`). Empty periods are
 * skipped. NOTE: the SE comes from the adjusted counts (§4.2) because the raw SE is 0 for a
 * single-bucket month, which would give it infinite weight.
 */
export function npsTrendPoints(periods: readonly NpsCounts[], firstPeriod = 0): TrendPoint[] {
  return periods.flatMap((counts, i) => {
    const value = npsPoints(counts);
    if (value === null) {
      return [];
    }
    const adjusted = adjustNpsCounts(counts);
    const variancePoints = (1e4 * (npsVariance(adjusted) ?? 1)) / npsTotal(adjusted);
    return [{ period: firstPeriod + i, value, weight: 1 / variancePoints }];
  });
}

/** Thresholds of the significant-drop rule (docs/statistics.md). */
export interface DropRuleOptions {
  /** Two-sided significance level of the adjusted-Wald test; default 0.05. */
  readonly alpha?: number;
  /** Smallest drop that matters, in NPS points; default 5. */
  readonly minDropPoints?: number;
  /** Responses needed on each side; default 30. */
  readonly minResponses?: number;
}

/** Outcome of the §6.3 rule. */
export type DropVerdict = 'significant-drop' | 'no-significant-drop' | 'not-enough-responses';

/** The §6.3 verdict with the comparison behind it. */
export interface DropAssessment {
  readonly verdict: DropVerdict;
  /**
   * Adjusted-Wald comparison of previous − current (so a drop is a positive difference), with
   * its interval at confidence 1 − alpha. Null only when a period has no responses.
   */
  readonly comparison: NpsComparison | null;
  /** previous − current adjusted NPS in points (positive = drop); null when comparison is. */
  readonly dropPoints: number | null;
}

/**
 * The "significant drop" red flag (docs/statistics.md): adjusted-Wald two-sample p < alpha
 * (0.05), a drop of at least minDropPoints (5, measured on the adjusted difference, as in the
 * §6.3 examples) and n ≥ minResponses (30) in both periods; otherwise "not enough responses".
 */
export function detectSignificantDrop(
  previous: NpsCounts,
  current: NpsCounts,
  options: DropRuleOptions = {},
): DropAssessment {
  const alpha = options.alpha ?? 0.05;
  const minDropPoints = options.minDropPoints ?? 5;
  const minResponses = options.minResponses ?? DEFAULT_MIN_RESPONSES;
  const comparison = compareNps(previous, current, {
    method: 'adjusted-wald',
    confidence: 1 - alpha,
  });
  const dropPoints = comparison?.differencePoints ?? null;
  if (
    comparison === null ||
    npsTotal(previous) < minResponses ||
    npsTotal(current) < minResponses
  ) {
    return { verdict: 'not-enough-responses', comparison, dropPoints };
  }
  const significant = comparison.pValue < alpha && comparison.differencePoints >= minDropPoints;
  return {
    verdict: significant ? 'significant-drop' : 'no-significant-drop',
    comparison,
    dropPoints,
  };
}
