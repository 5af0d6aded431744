import { normalCriticalValue, normalQuantile } from './distributions';
import { assertPositive } from './guards';
import { DEFAULT_CONFIDENCE } from './intervals';
import type { NpsCounts } from './nps';
import { npsVariance } from './nps';

// NOTE: the small slack stops a value like 934.0000000001 from rounding up to 935.
function roundUpResponses(n: number): number {
  return Math.max(1, Math.ceil(n - 1e-9));
}

/**
 * Responses needed for an adjusted-Wald NPS margin of ±marginPoints: n = z²·V/E² − 3, rounded
 * up, at least 1 (docs/statistics.md; MeasuringU). `mix` gives the expected category mix as
 * counts or percentages (e.g. 50/30/20); V is its §3 variance. Null when the mix is empty.
 */
export function npsSampleSizeForMargin(
  mix: NpsCounts,
  marginPoints: number,
  options: { readonly confidence?: number } = {},
): number | null {
  assertPositive(marginPoints, 'marginPoints');
  const z = normalCriticalValue(options.confidence ?? DEFAULT_CONFIDENCE);
  const v = npsVariance(mix);
  if (v === null) {
    return null;
  }
  const e = marginPoints / 100;
  return roundUpResponses((z * z * v) / (e * e) - 3);
}

/** Options for {@link npsSampleSizeForDifference}. */
export interface DifferenceSampleSizeOptions {
  /** Two-sided significance level; default 0.05. */
  readonly alpha?: number;
  /** Power; default 0.8. */
  readonly power?: number;
}

/**
 * Responses needed per group to detect an NPS difference of differencePoints:
 * n = (z_{α/2} + z_β)²·(V_A + V_B)/δ² − 3, rounded up, at least 1 (docs/statistics.md; the
 * V_A + V_B reading of MeasuringU's s² is the doc's). Null when either mix is empty.
 */
export function npsSampleSizeForDifference(
  mixA: NpsCounts,
  mixB: NpsCounts,
  differencePoints: number,
  options: DifferenceSampleSizeOptions = {},
): number | null {
  const alpha = options.alpha ?? 0.05;
  const power = options.power ?? 0.8;
  assertPositive(differencePoints, 'differencePoints');
  if (!(power > 0 && power < 1)) {
    throw new RangeError(`power must be strictly between 0 and 1, got ${power}`);
  }
  const z = normalCriticalValue(1 - alpha) + normalQuantile(power);
  const va = npsVariance(mixA);
  const vb = npsVariance(mixB);
  if (va === null || vb === null) {
    return null;
  }
  const delta = differencePoints / 100;
  return roundUpResponses((z * z * (va + vb)) / (delta * delta) - 3);
}
