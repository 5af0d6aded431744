// Normal and Student-t distribution functions: ~1e-14 for the normal and for t up to ~1,000 df,
// degrading to ~1e-9 near 10^6 df (log-gamma cancellation), far inside the §9 tolerance.
// NOTE: simple-statistics' normal CDF is a 4-decimal table and its probit is approximate,
// which is too coarse for the 1e-6 test vectors in docs/statistics.md, so these are our own.

import { assertConfidence } from './guards';

const SQRT2 = Math.SQRT2;
const SQRT_PI = Math.sqrt(Math.PI);
const MAX_ITERATIONS = 10_000;
const TINY = 1e-300;

// Lanczos approximation (Numerical Recipes 3rd ed., g = 671/128, 14 terms), ~1e-15 relative.
const LANCZOS = [
  57.15623566586292, -59.59796035547549, 14.136097974741746, -0.4919138160976202,
  0.00003399464998481189, 0.00004652362892704858, -0.00009837447530487956, 0.0001580887032249125,
  -0.00021026444172410488, 0.00021743961811521265, -0.0001643181065367639, 0.00008441822398385275,
  -0.000026190838401581408, 0.0000036899182659531625,
];

/** ln Γ(x) for x > 0 (Lanczos approximation, Numerical Recipes 3rd ed.); used by the t distribution. */
export function logGamma(x: number): number {
  let y = x;
  const tmp = x + 5.2421875;
  let series = 0.9999999999999971;
  for (const c of LANCZOS) {
    y += 1;
    series += c / y;
  }
  return (x + 0.5) * Math.log(tmp) - tmp + Math.log((2.5066282746310007 * series) / x);
}

/** erfc(y) for y >= 0: positive-term series below 2, Lentz continued fraction above. */
function erfcNonNegative(y: number): number {
  if (y < 2) {
    let term = y;
    let total = y;
    for (let k = 1; k < MAX_ITERATIONS && term > total * 1e-17; k++) {
      term *= (2 * y * y) / (2 * k + 1);
      total += term;
    }
    return 1 - (2 / SQRT_PI) * Math.exp(-y * y) * total;
  }
  // erfc(y) = exp(-y²)/√π · 1/(y + (1/2)/(y + (2/2)/(y + (3/2)/(y + …))))
  let f = y;
  let c = y;
  let d = 0;
  for (let k = 1; k < MAX_ITERATIONS; k++) {
    const a = k / 2;
    d = y + a * d;
    d = Math.abs(d) < TINY ? 1 / TINY : 1 / d;
    c = y + a / c;
    if (Math.abs(c) < TINY) {
      c = TINY;
    }
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) {
      break;
    }
  }
  return Math.exp(-y * y) / (SQRT_PI * f);
}

/** Standard normal CDF Φ(x) via erfc (series / continued fraction); Φ in the §5 p-value. */
export function normalCdf(x: number): number {
  const tail = 0.5 * erfcNonNegative(Math.abs(x) / SQRT2);
  return x >= 0 ? 1 - tail : tail;
}

/** Two-sided normal p-value 2·(1 − Φ(|z|)) (docs/statistics.md), without cancellation for large |z|. */
export function twoSidedNormalPValue(z: number): number {
  return Math.min(1, erfcNonNegative(Math.abs(z) / SQRT2));
}

// Acklam's rational approximation (|relative error| < 1.15e-9), refined by one Halley step.
const A = [
  -3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2,
  -3.066479806614716e1, 2.506628277459239,
];
const B = [
  -5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1,
  -1.328068155288572e1,
];
const C = [
  -7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734,
  4.374664141464968, 2.938163982698783,
];
const D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];

function polynomial(coefficients: readonly number[], x: number): number {
  return coefficients.reduce((acc, c) => acc * x + c, 0);
}

function acklamLowerHalf(p: number): number {
  if (p < 0.02425) {
    const q = Math.sqrt(-2 * Math.log(p));
    return polynomial(C, q) / (polynomial(D, q) * q + 1);
  }
  const q = p - 0.5;
  const r = q * q;
  return (polynomial(A, r) * q) / (polynomial(B, r) * r + 1);
}

/**
 * Standard normal quantile Φ⁻¹(p) for 0 < p < 1 (±Infinity at 0 and 1).
 * Acklam's approximation plus a Halley step against {@link normalCdf}.
 */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) {
    throw new RangeError(`normalQuantile: p must be in [0, 1], got ${p}`);
  }
  if (p === 0) {
    return -Infinity;
  }
  if (p === 1) {
    return Infinity;
  }
  if (p > 0.5) {
    return -normalQuantile(1 - p);
  }
  let x = acklamLowerHalf(p);
  for (let i = 0; i < 2; i++) {
    const e = normalCdf(x) - p;
    const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
    x -= u / (1 + (x * u) / 2);
  }
  return x;
}

/** Continued fraction for the incomplete beta function (Numerical Recipes `betacf`). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  d = Math.abs(d) < TINY ? 1 / TINY : 1 / d;
  let h = d;
  for (let m = 1; m < MAX_ITERATIONS; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    d = Math.abs(d) < TINY ? 1 / TINY : 1 / d;
    c = 1 + aa / c;
    c = Math.abs(c) < TINY ? TINY : c;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    d = Math.abs(d) < TINY ? 1 / TINY : 1 / d;
    c = 1 + aa / c;
    c = Math.abs(c) < TINY ? TINY : c;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) {
      break;
    }
  }
  return h;
}

/**
 * ln Γ(a + ½) − ln Γ(a). NOTE: for large a the two log-gammas are huge and nearly equal, so
 * the difference comes from Stirling's series instead, keeping t accurate at any df.
 */
function logGammaHalfRatio(a: number): number {
  if (a < 10) {
    return logGamma(a + 0.5) - logGamma(a);
  }
  const stirling = (x: number): number => {
    const x2 = x * x;
    return (1 / 12 - (1 / 360 - (1 / 1260 - 1 / (1680 * x2)) / x2) / x2) / x;
  };
  return a * Math.log1p(0.5 / a) + 0.5 * Math.log(a) - 0.5 + stirling(a + 0.5) - stirling(a);
}

const LOG_GAMMA_HALF = 0.5 * Math.log(Math.PI);

/**
 * Regularized incomplete beta I_x(a, ½), the only shape the t distribution needs; x, 1 − x and
 * ln x are passed separately to avoid cancellation.
 */
function regularizedBetaHalf(a: number, x: number, oneMinusX: number, logX: number): number {
  if (x <= 0) {
    return 0;
  }
  if (oneMinusX <= 0) {
    return 1;
  }
  const logFront = logGammaHalfRatio(a) - LOG_GAMMA_HALF + a * logX + 0.5 * Math.log(oneMinusX);
  const front = Math.exp(logFront);
  if (x < (a + 1) / (a + 2.5)) {
    return (front * betaContinuedFraction(a, 0.5, x)) / a;
  }
  return 1 - (front * betaContinuedFraction(0.5, a, oneMinusX)) / 0.5;
}

function assertDegreesOfFreedom(df: number): void {
  if (!(df > 0) || !Number.isFinite(df)) {
    throw new RangeError(`degrees of freedom must be a positive finite number, got ${df}`);
  }
}

// NOTE: beyond these df the beta continued fraction needs more than MAX_ITERATIONS steps, while
// the asymptotic forms below are already exact to ~1e-14 (quantile) and ~1e-14 (CDF).
const LARGE_DF_QUANTILE = 1e5;
const LARGE_DF_CDF = 1e7;

/** Upper tail P(T > t) of Student's t for t >= 0. */
function studentTUpperTail(t: number, df: number): number {
  if (df > LARGE_DF_CDF) {
    // Abramowitz & Stegun 26.7.8: error O(1/df²).
    const z = (t * (1 - 1 / (4 * df))) / Math.sqrt(1 + (t * t) / (2 * df));
    return 0.5 * erfcNonNegative(z / SQRT2);
  }
  const t2 = t * t;
  // NOTE: ln x comes from log1p so that (df/2)·ln x stays accurate for huge df.
  return 0.5 * regularizedBetaHalf(df / 2, df / (df + t2), t2 / (df + t2), -Math.log1p(t2 / df));
}

/**
 * Student-t CDF P(T ≤ t) with `df` degrees of freedom, via the regularized incomplete beta
 * (checked against SciPy `stats.t` as docs/statistics.md describes).
 */
export function studentTCdf(t: number, df: number): number {
  assertDegreesOfFreedom(df);
  if (Number.isNaN(t)) {
    throw new RangeError('studentTCdf: t is NaN');
  }
  if (!Number.isFinite(t)) {
    return t > 0 ? 1 : 0;
  }
  const tail = studentTUpperTail(Math.abs(t), df);
  return t >= 0 ? 1 - tail : tail;
}

/** Two-sided Student-t p-value 2·P(T > |t|) (docs/statistics.md). */
export function twoSidedStudentTPValue(t: number, df: number): number {
  assertDegreesOfFreedom(df);
  if (!Number.isFinite(t)) {
    return 0;
  }
  return Math.min(1, 2 * studentTUpperTail(Math.abs(t), df));
}

function studentTDensity(t: number, df: number): number {
  const logC = logGammaHalfRatio(df / 2) - 0.5 * Math.log(df * Math.PI);
  return Math.exp(logC - ((df + 1) / 2) * Math.log1p((t * t) / df));
}

/** Cornish–Fisher expansion of the t quantile around the normal quantile z. */
function cornishFisherGuess(z: number, df: number): number {
  const z2 = z * z;
  const g1 = ((z2 + 1) * z) / 4;
  const g2 = (((5 * z2 + 16) * z2 + 3) * z) / 96;
  const g3 = ((((3 * z2 + 19) * z2 + 17) * z2 - 15) * z) / 384;
  const g4 = (((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) * z) / 92160;
  return z + (g1 + (g2 + (g3 + g4 / df) / df) / df) / df;
}

/** Solves P(T > t) = q for t >= 0 with Newton steps safeguarded by bisection. */
function upperTailQuantile(q: number, df: number): number {
  if (df === 1) {
    return 1 / Math.tan(Math.PI * q);
  }
  if (df === 2) {
    return (1 - 2 * q) / Math.sqrt(2 * q * (1 - q));
  }
  if (df >= LARGE_DF_QUANTILE) {
    return cornishFisherGuess(-normalQuantile(q), df);
  }
  let lo = 0;
  let hi = Math.max(1, cornishFisherGuess(-normalQuantile(q), df));
  while (studentTUpperTail(hi, df) > q) {
    lo = hi;
    hi *= 2;
  }
  let t = Math.min(Math.max(cornishFisherGuess(-normalQuantile(q), df), lo), hi);
  for (let i = 0; i < 200; i++) {
    const excess = studentTUpperTail(t, df) - q;
    if (excess > 0) {
      lo = t;
    } else {
      hi = t;
    }
    let next = t + excess / studentTDensity(t, df);
    if (!(next > lo && next < hi)) {
      next = (lo + hi) / 2;
    }
    if (Math.abs(next - t) <= 1e-15 * Math.max(1, t)) {
      return next;
    }
    t = next;
  }
  return t;
}

/** Student-t quantile: the t with P(T ≤ t) = p for `df` degrees of freedom (±Infinity at 0 and 1). */
export function studentTQuantile(p: number, df: number): number {
  assertDegreesOfFreedom(df);
  if (!(p >= 0 && p <= 1)) {
    throw new RangeError(`studentTQuantile: p must be in [0, 1], got ${p}`);
  }
  if (p === 0 || p === 1) {
    return p === 0 ? -Infinity : Infinity;
  }
  if (p === 0.5) {
    return 0;
  }
  return p > 0.5 ? upperTailQuantile(1 - p, df) : -upperTailQuantile(p, df);
}

/** Two-sided normal critical value z_{α/2} for a confidence level, e.g. 1.959964 at 0.95 (docs/statistics.md notation). */
export function normalCriticalValue(confidence: number): number {
  let z = criticalValues.get(confidence);
  if (z === undefined) {
    assertConfidence(confidence);
    z = -normalQuantile((1 - confidence) / 2);
    criticalValues.set(confidence, z);
  }
  return z;
}

// NOTE: metrics score hundreds of cells at one or two confidence levels; the quantile is pure, so memoize it.
const criticalValues = new Map<number, number>();

/** Two-sided Student-t critical value t_{df, 1−α/2} for a confidence level (§6.1, §7.2). */
export function studentTCriticalValue(confidence: number, df: number): number {
  const key = `${confidence}:${df}`;
  let t = tCriticalValues.get(key);
  if (t === undefined) {
    assertConfidence(confidence);
    assertDegreesOfFreedom(df);
    t = upperTailQuantile((1 - confidence) / 2, df);
    // NOTE: bounded: trends use few distinct (confidence, df) pairs, but df can be anything.
    if (tCriticalValues.size < 10_000) {
      tCriticalValues.set(key, t);
    }
  }
  return t;
}

const tCriticalValues = new Map<string, number>();
