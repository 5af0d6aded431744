import fc from 'fast-check';
import {
  normalCdf,
  normalCriticalValue,
  normalQuantile,
  studentTCdf,
  studentTCriticalValue,
  studentTQuantile,
  twoSidedNormalPValue,
} from '../../../src/scoring';
import { RUNS } from './arbitraries';

// Reference values from SciPy 1.17 (scipy.stats.norm / scipy.stats.t), as in docs/statistics.md
describe('normal distribution', () => {
  it('gives z = 1.959964 at 95 % confidence', () => {
    expect(normalCriticalValue(0.95)).toBeCloseTo(1.959963984540054, 12);
    expect(normalCriticalValue(0.99)).toBeCloseTo(2.5758293035489004, 12);
  });

  it.each([
    [0.5, 0],
    [0.9, 1.2815515655446004],
    [0.8, 0.8416212335729143],
    [0.999999, 4.753424308817087],
    [1e-10, -6.361340902404056],
  ])('has quantile(%p) = %p', (p, x) => {
    expect(normalQuantile(p)).toBeCloseTo(x, 12);
  });

  it.each([
    [0.5, 0.6914624612740131],
    [1.96, 0.9750021048517795],
    [3, 0.9986501019683699],
    [-2.5, 0.006209665325776132],
  ])('has CDF(%p) = %p', (x, p) => {
    expect(normalCdf(x)).toBeCloseTo(p, 14);
  });

  it('keeps relative precision for tiny two-sided p-values', () => {
    expect(twoSidedNormalPValue(8) / (2 * 6.22096057427174e-16)).toBeCloseTo(1, 10);
    expect(twoSidedNormalPValue(0)).toBe(1);
  });

  it('inverts its CDF', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-12, max: 1 - 1e-12, noNaN: true }), (p) => {
        expect(normalCdf(normalQuantile(p))).toBeCloseTo(p, 12);
      }),
      RUNS,
    );
  });

  it('rejects probabilities outside [0, 1] and returns ±Infinity at the ends', () => {
    expect(() => normalQuantile(1.5)).toThrow(RangeError);
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
  });
});

describe('Student t distribution', () => {
  it.each([
    [1, 12.706204736174694, 63.656741162871526, 3.0776835371752544],
    [2, 4.302652729749462, 9.924843200918287, 1.8856180831641272],
    [3, 3.1824463052837078, 5.840909309733355, 1.637744353696209],
    [5, 2.5705818356363146, 4.032142983555228, 1.4758840488244815],
    [10, 2.228138851986274, 3.16927267261695, 1.372183641110336],
    [29, 2.045229642132703, 2.756385903670605, 1.311433647301551],
    [100, 1.9839715185235518, 2.6258905214380173, 1.290074761346516],
    [999, 1.9623414611334493, 2.5807596372676365, 1.2823995700373971],
    [10_000, 1.960201239890626, 2.5763210466685282, 1.2816362297304775],
    [1_000_000, 1.959966356814107, 2.5758342201053344, 1.281552412129939],
  ])('matches SciPy quantiles at 0.975, 0.995 and 0.9 for %p df', (df, q975, q995, q90) => {
    expect(studentTQuantile(0.975, df)).toBeCloseTo(q975, 8);
    expect(studentTQuantile(0.995, df)).toBeCloseTo(q995, 8);
    expect(studentTQuantile(0.9, df)).toBeCloseTo(q90, 8);
    expect(studentTQuantile(0.025, df)).toBeCloseTo(-q975, 8);
    expect(studentTCriticalValue(0.95, df)).toBeCloseTo(q975, 8);
  });

  it('stays accurate for very large df, e.g. a CES mean over millions of answers', () => {
    expect(studentTQuantile(0.975, 1e7)).toBeCloseTo(1.959964221767205, 12);
    expect(studentTQuantile(0.975, 1e9)).toBeCloseTo(1.959963986912325, 12);
    expect(studentTQuantile(0.975, 1e12)).toBeCloseTo(1.9599639845424262, 12);
    expect(studentTCdf(1.959963986912325, 1e9)).toBeCloseTo(0.975, 12);
  });

  it('matches the SciPy CDF', () => {
    expect(studentTCdf(-1, 3)).toBeCloseTo(0.19550110947788532, 12);
    expect(2 * (1 - studentTCdf(5.7107, 10))).toBeCloseTo(1.9541375666698636e-4, 12);
  });

  it('inverts its CDF for any df and probability', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-9, max: 1 - 1e-9, noNaN: true }),
        fc.oneof(fc.integer({ min: 1, max: 200 }), fc.double({ min: 0.5, max: 1e5, noNaN: true })),
        (p, df) => {
          expect(studentTCdf(studentTQuantile(p, df), df)).toBeCloseTo(p, 9);
        },
      ),
      RUNS,
    );
  });

  it('has heavier tails than the normal', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.51, max: 0.999, noNaN: true }),
        fc.integer({ min: 1, max: 1000 }),
        (p, df) => {
          expect(studentTQuantile(p, df)).toBeGreaterThan(normalQuantile(p));
        },
      ),
      RUNS,
    );
  });

  it('rejects non-positive degrees of freedom', () => {
    expect(() => studentTQuantile(0.9, 0)).toThrow(RangeError);
    expect(() => studentTCdf(1, Number.NaN)).toThrow(RangeError);
  });
});
