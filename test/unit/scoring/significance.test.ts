import fc from 'fast-check';
import {
  adjustBenjaminiHochberg,
  compareCesAgree,
  compareCsat,
  compareNps,
  compareProportions,
} from '../../../src/scoring';
import { RUNS, confidenceArb, dpc, nonEmptyNpsCountsArb } from './arbitraries';

describe('two-sample NPS test against the docs/statistics.md table (Rocks’ R code)', () => {
  const a = dpc(40, 60, 100);
  const b = dpc(55, 65, 80);

  it('matches the Wald test for (40,60,100) vs (55,65,80)', () => {
    const r = compareNps(a, b, { method: 'wald' })!;
    expect(r.differencePoints / 100).toBeCloseTo(0.175, 6);
    expect(r.standardErrorPoints / 100).toBeCloseTo(0.079667, 6);
    expect(r.pValue).toBeCloseTo(0.0280465, 7);
  });

  it.each([
    [[40, 60, 100], [55, 65, 80], 0.172414, 0.079, 0.0290767],
    [[1, 2, 3], [3, 2, 1], 0.444444, 0.353311, 0.208413],
    [[120, 230, 650], [150, 240, 610], 0.069791, 0.032183, 0.0301167],
  ])('matches the adjusted test for %j vs %j', (x, y, diff, se, p) => {
    const r = compareNps(dpc(x[0]!, x[1]!, x[2]!), dpc(y[0]!, y[1]!, y[2]!))!;
    expect(r.method).toBe('adjusted-wald');
    expect(r.differencePoints / 100).toBeCloseTo(diff, 6);
    expect(r.standardErrorPoints / 100).toBeCloseTo(se, 6);
    expect(r.pValue).toBeCloseTo(p, 6);
  });

  it('reproduces the docs/statistics.md example: +17.2 points, SE 7.9, p = 0.029', () => {
    const r = compareNps(a, b)!;
    expect(r.differencePoints).toBeCloseTo(17.2, 1);
    expect(r.standardErrorPoints).toBeCloseTo(7.9, 1);
    expect(r.pValue).toBeCloseTo(0.029, 3);
    expect(r.rawDifferencePoints).toBeCloseTo(17.5, 9);
  });

  it('keeps the sign of the difference and puts diff ± z·SE around it', () => {
    const r = compareNps(b, a)!;
    expect(r.differencePoints / 100).toBeCloseTo(-0.172414, 6);
    expect(r.interval.lower).toBeCloseTo(
      r.differencePoints - 1.959963984540054 * r.standardErrorPoints,
      9,
    );
    expect(r.interval.upper).toBeCloseTo(
      r.differencePoints + 1.959963984540054 * r.standardErrorPoints,
      9,
    );
  });

  it('returns null when either sample is empty', () => {
    expect(compareNps(dpc(0, 0, 0), a)).toBeNull();
    expect(compareNps(a, dpc(0, 0, 0), { method: 'wald' })).toBeNull();
  });

  it('reports a null z instead of NaN when the Wald SE is zero', () => {
    expect(compareNps(dpc(0, 0, 5), dpc(0, 0, 9), { method: 'wald' })).toMatchObject({
      z: null,
      pValue: 1,
      differencePoints: 0,
    });
    expect(compareNps(dpc(0, 0, 5), dpc(4, 0, 0), { method: 'wald' })).toMatchObject({
      z: null,
      pValue: 0,
      differencePoints: 200,
    });
  });

  it('is antisymmetric: swapping the samples negates the difference and keeps p', () => {
    fc.assert(
      fc.property(
        nonEmptyNpsCountsArb(),
        nonEmptyNpsCountsArb(),
        fc.constantFrom('adjusted-wald' as const, 'wald' as const),
        (x, y, method) => {
          const xy = compareNps(x, y, { method })!;
          const yx = compareNps(y, x, { method })!;
          expect(yx.differencePoints).toBeCloseTo(-xy.differencePoints, 9);
          expect(yx.pValue).toBeCloseTo(xy.pValue, 12);
          expect(yx.interval.lower).toBeCloseTo(-xy.interval.upper, 9);
        },
      ),
      RUNS,
    );
  });

  it('gives a p-value in [0, 1] and an interval containing the difference', () => {
    fc.assert(
      fc.property(
        nonEmptyNpsCountsArb(),
        nonEmptyNpsCountsArb(),
        confidenceArb,
        (x, y, confidence) => {
          const r = compareNps(x, y, { confidence })!;
          expect(r.pValue).toBeGreaterThanOrEqual(0);
          expect(r.pValue).toBeLessThanOrEqual(1);
          expect(r.interval.lower).toBeLessThanOrEqual(r.differencePoints);
          expect(r.interval.upper).toBeGreaterThanOrEqual(r.differencePoints);
          expect(r.interval.displayLower).toBeGreaterThanOrEqual(-200);
          expect(r.interval.displayUpper).toBeLessThanOrEqual(200);
          // The interval excludes 0 exactly when p < 1 − confidence.
          const excludesZero = r.interval.lower > 0 || r.interval.upper < 0;
          if (Math.abs(r.pValue - (1 - confidence)) > 1e-9) {
            expect(excludesZero).toBe(r.pValue < 1 - confidence);
          }
        },
      ),
      RUNS,
    );
  });
});

describe('two-proportion test for CSAT and CES shares', () => {
  it('matches SciPy’s χ² test (no continuity correction) and a Wilson-based Newcombe interval', () => {
    // SciPy chi2_contingency(correction=False) and Newcombe method 10 built from binomtest Wilson CIs.
    const r = compareProportions({ successes: 56, total: 70 }, { successes: 48, total: 80 })!;
    expect(r.differencePercent).toBeCloseTo(20, 9);
    expect(r.pValue).toBeCloseTo(0.008045081368196585, 12);
    expect(r.interval.lower / 100).toBeCloseTo(0.052431472402364815, 9);
    expect(r.interval.upper / 100).toBeCloseTo(0.3338726540369059, 9);
  });

  it('reproduces Newcombe’s (1998) example 56/70 vs 48/80: hybrid score interval 0.0524 to 0.3339', () => {
    const r = compareProportions({ successes: 56, total: 70 }, { successes: 48, total: 80 })!;
    expect(r.interval.lower / 100).toBeCloseTo(0.0524, 4);
    expect(r.interval.upper / 100).toBeCloseTo(0.3339, 4);
  });

  it('matches SciPy for 81/263 vs 15/148 and for 460/1000 vs 400/1000', () => {
    const r1 = compareProportions({ successes: 81, total: 263 }, { successes: 15, total: 148 })!;
    expect(r1.pValue).toBeCloseTo(2.007294420255701e-6, 12);
    expect(r1.interval.lower / 100).toBeCloseTo(0.12742516655251485, 9);
    expect(r1.interval.upper / 100).toBeCloseTo(0.2766933652135226, 9);
    const r2 = compareProportions(
      { successes: 460, total: 1000 },
      { successes: 400, total: 1000 },
    )!;
    expect(r2.pValue).toBeCloseTo(0.006728915005920218, 12);
    expect(r2.interval.lower / 100).toBeCloseTo(0.016605461572323524, 9);
    expect(r2.interval.upper / 100).toBeCloseTo(0.10307634163522561, 9);
  });

  it('returns p = 1 and z = 0 when both samples are all failures', () => {
    const r = compareProportions({ successes: 0, total: 10 }, { successes: 0, total: 20 })!;
    expect(r).toMatchObject({ differencePercent: 0, z: 0, pValue: 1 });
    expect(r.interval.lower / 100).toBeCloseTo(-0.16112515805281935, 9);
    expect(r.interval.upper / 100).toBeCloseTo(0.27753279986288926, 9);
  });

  it('returns null when either sample is empty', () => {
    expect(compareProportions({ successes: 0, total: 0 }, { successes: 1, total: 2 })).toBeNull();
  });

  it('compares CSAT and CES agree shares through the same test', () => {
    const csat = compareCsat({ satisfied: 56, total: 70 }, { satisfied: 48, total: 80 })!;
    expect(csat.pValue).toBeCloseTo(0.008045081368196585, 12);
    const ces = compareCesAgree(
      { total: 70, sum: 350, sumOfSquares: 1900, agree: 56 },
      { total: 80, sum: 400, sumOfSquares: 2200, agree: 48 },
    )!;
    expect(ces.differencePercent).toBeCloseTo(20, 9);
  });

  it('is antisymmetric and keeps the interval inside −100..100 around the difference', () => {
    const shareArb = fc
      .integer({ min: 1, max: 3000 })
      .chain((total) =>
        fc.record({ successes: fc.integer({ min: 0, max: total }), total: fc.constant(total) }),
      );
    fc.assert(
      fc.property(shareArb, shareArb, confidenceArb, (x, y, confidence) => {
        const xy = compareProportions(x, y, { confidence })!;
        const yx = compareProportions(y, x, { confidence })!;
        expect(yx.differencePercent).toBeCloseTo(-xy.differencePercent, 9);
        expect(yx.pValue).toBeCloseTo(xy.pValue, 12);
        expect(xy.interval.lower).toBeLessThanOrEqual(xy.differencePercent + 1e-9);
        expect(xy.interval.upper).toBeGreaterThanOrEqual(xy.differencePercent - 1e-9);
        expect(xy.interval.lower).toBeGreaterThanOrEqual(-100 - 1e-9);
        expect(xy.interval.upper).toBeLessThanOrEqual(100 + 1e-9);
      }),
      RUNS,
    );
  });
});

describe('Benjamini–Hochberg adjustment (docs/statistics.md)', () => {
  it('matches SciPy false_discovery_control on two sets of p-values', () => {
    const q = adjustBenjaminiHochberg([0.01, 0.04, 0.03, 0.005, 0.2, 0.04]);
    [0.03, 0.048, 0.048, 0.03, 0.2, 0.048].forEach((expected, i) =>
      expect(q[i]).toBeCloseTo(expected, 12),
    );
    const p = [
      0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216, 0.222, 0.251, 0.269,
      0.275, 0.34, 0.341, 0.384, 0.569, 0.594, 0.696, 0.762, 0.94, 0.942, 0.975, 0.986,
    ];
    const expected = [
      0.025, 0.1, 0.21, 0.21, 0.21, 0.25, 0.2642857142857143, 0.49107142857142866,
      0.49107142857142866, 0.49107142857142866, 0.49107142857142866, 0.49107142857142866,
      0.49107142857142866, 0.49107142857142866, 0.5328125, 0.5328125, 0.5647058823529413,
      0.781578947368421, 0.781578947368421, 0.87, 0.9071428571428571, 0.986, 0.986, 0.986, 0.986,
    ];
    adjustBenjaminiHochberg(p).forEach((value, i) => expect(value).toBeCloseTo(expected[i]!, 12));
  });

  it('returns an empty list for no p-values and rejects values outside [0, 1]', () => {
    expect(adjustBenjaminiHochberg([])).toEqual([]);
    expect(() => adjustBenjaminiHochberg([0.5, 1.2])).toThrow(RangeError);
    expect(() => adjustBenjaminiHochberg([Number.NaN])).toThrow(RangeError);
  });

  const pValuesArb = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 60 });

  it('never lowers a p-value, never exceeds 1, and keeps the order of the raw p-values', () => {
    fc.assert(
      fc.property(pValuesArb, (p) => {
        const q = adjustBenjaminiHochberg(p);
        expect(q).toHaveLength(p.length);
        q.forEach((qi, i) => {
          expect(qi).toBeGreaterThanOrEqual(p[i]!);
          expect(qi).toBeLessThanOrEqual(1);
          q.forEach((qj, j) => {
            if (p[i]! <= p[j]!) {
              expect(qi).toBeLessThanOrEqual(qj);
            }
          });
        });
      }),
      RUNS,
    );
  });

  it('does not depend on the order the p-values are given in', () => {
    fc.assert(
      fc.property(pValuesArb, fc.infiniteStream(fc.nat()), (p, seeds) => {
        const order = p.map((_, i) => ({ i, key: seeds.next().value as number }));
        order.sort((x, y) => x.key - y.key || x.i - y.i);
        const shuffled = order.map(({ i }) => p[i]!);
        const q = adjustBenjaminiHochberg(p);
        const qs = adjustBenjaminiHochberg(shuffled);
        order.forEach(({ i }, k) => expect(qs[k]).toBe(q[i]));
      }),
      RUNS,
    );
  });
});
