import { assertCount, assertPositive, clamp } from './guards';
import { NPS_POINTS_RANGE } from './intervals';
import type { NpsCounts } from './nps';
import { npsPoints, npsProportion, npsTotal, npsVariance, sumNpsCounts } from './nps';

/** Control-chart limits for one period, in NPS points. */
export interface ControlLimits {
  /** Pooled baseline NPS. */
  readonly centrePoints: number;
  /** centre − sigmas·sqrt(V_pooled/n_m); may fall below −100. */
  readonly lowerPoints: number;
  /** centre + sigmas·sqrt(V_pooled/n_m); may rise above 100. */
  readonly upperPoints: number;
  /** lowerPoints clipped to −100…100. */
  readonly displayLowerPoints: number;
  /** upperPoints clipped to −100…100. */
  readonly displayUpperPoints: number;
}

/** Options for the control chart. */
export interface ControlChartOptions {
  /** Width of the limits in standard errors; default 3 (Western Electric rule 1). */
  readonly sigmas?: number;
  /** Consecutive periods on one side of the centre that signal; default 8 (rule 4). */
  readonly runLength?: number;
}

/**
 * p-chart limits with varying n for a period with `n` responses: centre ± sigmas·sqrt(V_pooled/n),
 * where the centre and V_pooled come from the pooled `baseline` counts (docs/statistics.md).
 * Null when the baseline or the period has no responses.
 */
export function npsControlLimits(
  baseline: NpsCounts,
  n: number,
  options: ControlChartOptions = {},
): ControlLimits | null {
  const sigmas = options.sigmas ?? 3;
  assertPositive(sigmas, 'sigmas');
  assertCount(n, 'n');
  const centre = npsProportion(baseline);
  const v = npsVariance(baseline);
  if (centre === null || v === null || n === 0) {
    return null;
  }
  const half = sigmas * Math.sqrt(v / n);
  const lowerPoints = 100 * (centre - half);
  const upperPoints = 100 * (centre + half);
  return {
    centrePoints: 100 * centre,
    lowerPoints,
    upperPoints,
    displayLowerPoints: clamp(lowerPoints, NPS_POINTS_RANGE.min, NPS_POINTS_RANGE.max),
    displayUpperPoints: clamp(upperPoints, NPS_POINTS_RANGE.min, NPS_POINTS_RANGE.max),
  };
}

/** One period on the control chart. */
export interface ControlChartPeriod {
  readonly n: number;
  /** The period's NPS in points; null when it has no responses. */
  readonly npsPoints: number | null;
  /** Null when the period or the baseline has no responses. */
  readonly limits: ControlLimits | null;
  /** Rule 1: the period is outside the limits. */
  readonly outsideLimits: boolean;
  /** Rule 4: this period completes (or extends) a run of ≥ runLength on one side of the centre. */
  readonly runSignal: boolean;
}

/**
 * Control chart for consecutive periods against a pooled baseline (e.g. the previous 12
 * months; pass several periods' counts and they are pooled), docs/statistics.md: rule 1 (one
 * period outside the limits) and rule 4 (runLength periods in a row on the same side). A
 * period on the centre line or with no responses breaks a run.
 */
export function npsControlChart(
  baseline: NpsCounts | readonly NpsCounts[],
  periods: readonly NpsCounts[],
  options: ControlChartOptions = {},
): ControlChartPeriod[] {
  const runLength = options.runLength ?? 8;
  assertPositive(runLength, 'runLength');
  const pooled = Array.isArray(baseline)
    ? sumNpsCounts(baseline as readonly NpsCounts[])
    : (baseline as NpsCounts);
  let side = 0;
  let run = 0;
  return periods.map((counts) => {
    const n = npsTotal(counts);
    const value = npsPoints(counts);
    const limits = npsControlLimits(pooled, n, options);
    const outsideLimits =
      value !== null &&
      limits !== null &&
      (value < limits.lowerPoints || value > limits.upperPoints);
    const currentSide =
      value === null || limits === null ? 0 : Math.sign(value - limits.centrePoints);
    run = currentSide !== 0 && currentSide === side ? run + 1 : currentSide === 0 ? 0 : 1;
    side = currentSide;
    return { n, npsPoints: value, limits, outsideLimits, runSignal: run >= runLength };
  });
}

/** `sigma`: mean − sigmas·s of the baseline counts; `poisson`: the c-chart's mean − sigmas·√mean. */
export type CountLimitMethod = 'sigma' | 'poisson';

/** The lower control limit for a count, e.g. a day's responses. */
export interface CountLowerLimit {
  /** Mean of the baseline counts (the centre line). */
  readonly mean: number;
  /** Sample SD for `sigma`, √mean for `poisson`. */
  readonly sigma: number;
  /** mean − sigmas·sigma, not clipped: below 0 no count can fall under it. */
  readonly lower: number;
}

/**
 * Lower control limit for counts per period (responses per day). `sigma` is the individuals
 * chart built on the sample SD of the baseline; `poisson` is the c-chart, whose variance equals
 * its mean (Montgomery, "Introduction to Statistical Quality Control", §7.3). Null with fewer
 * than two baseline periods.
 */
export function countLowerLimit(
  baseline: readonly number[],
  options: { method?: CountLimitMethod; sigmas?: number } = {},
): CountLowerLimit | null {
  const sigmas = options.sigmas ?? 3;
  assertPositive(sigmas, 'sigmas');
  baseline.forEach((c) => assertCount(c, 'baseline count'));
  if (baseline.length < 2) {
    return null;
  }
  const mean = baseline.reduce((a, b) => a + b, 0) / baseline.length;
  const sigma =
    options.method === 'poisson'
      ? Math.sqrt(mean)
      : Math.sqrt(baseline.reduce((a, c) => a + (c - mean) ** 2, 0) / (baseline.length - 1));
  return { mean, sigma, lower: mean - sigmas * sigma };
}
