import type { CesCounts } from './ces';
import { cesTotal } from './ces';
import type { CsatCounts } from './csat';
import { csatTotal } from './csat';
import { normalCriticalValue, twoSidedNormalPValue } from './distributions';
import { assertProbability } from './guards';
import type { Interval, Range } from './intervals';
import { DEFAULT_CONFIDENCE, adjustNpsCounts, toInterval, wilsonInterval } from './intervals';
import type { NpsCounts } from './nps';
import { npsProportion, npsTotal, npsVariance } from './nps';

/** A difference in NPS points can range over −200…200. */
const NPS_DIFFERENCE_RANGE: Range = { min: -200, max: 200 };
/** A difference of two shares in percentage points ranges over −100…100. */
const PERCENT_DIFFERENCE_RANGE: Range = { min: -100, max: 100 };

/** `adjusted-wald` (recommended, §5) or plain `wald` (for comparison). */
export type NpsTestMethod = 'adjusted-wald' | 'wald';

/** Options for the two-sample tests. */
export interface ComparisonOptions {
  /** Confidence level of the difference's interval; default 0.95. The p-value does not depend on it. */
  readonly confidence?: number;
}

/** Options for {@link compareNps}. */
export interface NpsComparisonOptions extends ComparisonOptions {
  /** Default `adjusted-wald`. */
  readonly method?: NpsTestMethod;
}

/** Two-sample NPS test, A − B, all in NPS points. */
export interface NpsComparison {
  readonly method: NpsTestMethod;
  /** NPS_A − NPS_B in points, on the adjusted counts for `adjusted-wald` (signed, unlike R's |diff|). */
  readonly differencePoints: number;
  /** NPS_A − NPS_B in points from the raw counts. */
  readonly rawDifferencePoints: number;
  /** sqrt(V_A/n_A + V_B/n_B) in points. */
  readonly standardErrorPoints: number;
  /** difference / SE; null when SE = 0, which only `wald` can produce (both samples single-bucket). */
  readonly z: number | null;
  /** Two-sided p-value 2·(1 − Φ(|z|)); 1 when SE = 0 and the difference is 0, 0 when SE = 0 otherwise. */
  readonly pValue: number;
  /** difference ± z_{α/2}·SE in points; display bounds clipped to −200…200. */
  readonly interval: Interval;
}

function zTest(difference: number, se: number): { z: number | null; pValue: number } {
  if (se === 0) {
    return { z: null, pValue: difference === 0 ? 1 : 0 };
  }
  const z = difference / se;
  return { z, pValue: twoSidedNormalPValue(z) };
}

/**
 * Two-sample NPS z test for independent samples, A − B (docs/statistics.md; MeasuringU; R
 * `nps_test(x, y, test = "adjusted.wald")`). The adjusted method adds 0.75/1.5/0.75
 * pseudo-observations to each sample first. Null when either sample is empty.
 */
export function compareNps(
  a: NpsCounts,
  b: NpsCounts,
  options: NpsComparisonOptions = {},
): NpsComparison | null {
  const method = options.method ?? 'adjusted-wald';
  const confidence = options.confidence ?? DEFAULT_CONFIDENCE;
  const critical = normalCriticalValue(confidence);
  const rawA = npsProportion(a);
  const rawB = npsProportion(b);
  if (rawA === null || rawB === null) {
    return null;
  }
  const [ta, tb] = method === 'adjusted-wald' ? [adjustNpsCounts(a), adjustNpsCounts(b)] : [a, b];
  const difference = (npsProportion(ta) ?? 0) - (npsProportion(tb) ?? 0);
  const se = Math.sqrt(
    (npsVariance(ta) ?? 0) / npsTotal(ta) + (npsVariance(tb) ?? 0) / npsTotal(tb),
  );
  const { z, pValue } = zTest(difference, se);
  return {
    method,
    differencePoints: 100 * difference,
    rawDifferencePoints: 100 * (rawA - rawB),
    standardErrorPoints: 100 * se,
    z,
    pValue,
    interval: toInterval(
      100 * (difference - critical * se),
      100 * (difference + critical * se),
      NPS_DIFFERENCE_RANGE,
      confidence,
    ),
  };
}

/** Successes out of a total, e.g. CSAT satisfied of all answers. */
export interface ProportionCounts {
  readonly successes: number;
  readonly total: number;
}

/** Two-proportion comparison, A − B, in percentage points. */
export interface ProportionComparison {
  /** share_A − share_B in percentage points. */
  readonly differencePercent: number;
  /** Pooled standard error used by the z test, in percentage points. */
  readonly standardErrorPercent: number;
  /** difference / pooled SE; 0 when both samples are all successes or all failures. */
  readonly z: number;
  /** Two-sided p-value of the pooled two-proportion z test (= Pearson χ² without continuity correction). */
  readonly pValue: number;
  /** Newcombe hybrid score interval from the two Wilson intervals, in percentage points. */
  readonly interval: Interval;
}

/**
 * Two-proportion test for independent samples (docs/statistics.md/§7 call for Wilson-based
 * shares; §5's caveats apply): pooled z test p-value and Newcombe's (1998) hybrid score
 * interval for the difference, built from the Wilson intervals of §7.1. Null when either
 * total is 0.
 */
export function compareProportions(
  a: ProportionCounts,
  b: ProportionCounts,
  options: ComparisonOptions = {},
): ProportionComparison | null {
  const confidence = options.confidence ?? DEFAULT_CONFIDENCE;
  // NOTE: wilsonInterval validates both samples (non-negative, successes ≤ total).
  const wa = wilsonInterval(a.successes, a.total, confidence);
  const wb = wilsonInterval(b.successes, b.total, confidence);
  if (wa === null || wb === null) {
    return null;
  }
  const pa = (100 * a.successes) / a.total;
  const pb = (100 * b.successes) / b.total;
  const pooled = (a.successes + b.successes) / (a.total + b.total);
  const se = 100 * Math.sqrt(pooled * (1 - pooled) * (1 / a.total + 1 / b.total));
  const difference = pa - pb;
  const { z, pValue } = zTest(difference, se);
  const lower = difference - Math.hypot(pa - wa.lower, wb.upper - pb);
  const upper = difference + Math.hypot(wa.upper - pa, pb - wb.lower);
  return {
    differencePercent: difference,
    standardErrorPercent: se,
    z: z ?? 0,
    pValue,
    interval: toInterval(lower, upper, PERCENT_DIFFERENCE_RANGE, confidence),
  };
}

/** CSAT_A − CSAT_B via {@link compareProportions} (two-proportion test, Wilson/Newcombe interval). */
export function compareCsat(
  a: CsatCounts,
  b: CsatCounts,
  options: ComparisonOptions = {},
): ProportionComparison | null {
  return compareProportions(
    { successes: a.satisfied, total: csatTotal(a) },
    { successes: b.satisfied, total: csatTotal(b) },
    options,
  );
}

/** CES %agree_A − %agree_B via {@link compareProportions}. */
export function compareCesAgree(
  a: CesCounts,
  b: CesCounts,
  options: ComparisonOptions = {},
): ProportionComparison | null {
  return compareProportions(
    { successes: a.agree, total: cesTotal(a) },
    { successes: b.agree, total: cesTotal(b) },
    options,
  );
}

/**
 * Benjamini–Hochberg adjusted p-values (q-values), returned in input order (docs/statistics.md
 * "control the false discovery rate"): q_(i) = min_{j ≥ i} min(1, m·p_(j)/j). A comparison is
 * a discovery at FDR α when q ≤ α. Matches R `p.adjust(p, "BH")`.
 */
export function adjustBenjaminiHochberg(pValues: readonly number[]): number[] {
  pValues.forEach((p, i) => assertProbability(p, `pValues[${i}]`));
  const m = pValues.length;
  const order = pValues.map((p, i) => ({ p, i })).sort((x, y) => y.p - x.p);
  const adjusted = new Array<number>(m).fill(1);
  let running = 1;
  order.forEach(({ p, i }, k) => {
    const rank = m - k;
    // NOTE: max(p, …) only guards rounding; m·p/rank ≥ p holds exactly.
    running = Math.min(running, Math.max(p, (m * p) / rank));
    adjusted[i] = running;
  });
  return adjusted;
}
