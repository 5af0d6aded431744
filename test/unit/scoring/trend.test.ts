import fc from 'fast-check';
import {
  detectSignificantDrop,
  fitTrend,
  npsAdjustedWaldInterval,
  npsPoints,
  npsTrendPoints,
  twoSidedStudentTPValue,
} from '../../../src/scoring';
import { RUNS, dpc, nonEmptyNpsCountsArb } from './arbitraries';

// Twelve monthly NPS values (points) used with SciPy 1.17 `linregress` and a WLS reference.
const series = [41.2, 40.8, 39.9, 40.5, 38.7, 38.1, 37.9, 37.2, 36.0, 35.8, 34.9, 33.7];
const points = series.map((value, period) => ({ period, value }));

describe('least-squares trend slope (docs/statistics.md)', () => {
  it('matches SciPy linregress: slope, intercept, SE, p and the t interval', () => {
    const fit = fitTrend(points)!;
    expect(fit.k).toBe(12);
    expect(fit.degreesOfFreedom).toBe(10);
    expect(fit.slope).toBeCloseTo(-0.6695804195804196, 9);
    expect(fit.intercept).toBeCloseTo(41.57435897435897, 9);
    expect(fit.standardError).toBeCloseTo(0.03524977301758466, 9);
    expect(fit.pValue).toBeCloseTo(3.549865730099001e-9, 15);
    expect(fit.interval.lower).toBeCloseTo(-0.7481218083645974, 9);
    expect(fit.interval.upper).toBeCloseTo(-0.5910390307962418, 9);
    expect(fit.declining).toBe(true);
    expect(fit.rising).toBe(false);
  });

  it('matches a weighted least-squares reference when points carry weights', () => {
    const weights = [1, 2, 3, 1, 2, 3, 4, 1, 2, 5, 1, 2];
    const fit = fitTrend(points.map((p, i) => ({ ...p, weight: weights[i]! })))!;
    expect(fit.slope).toBeCloseTo(-0.6552966675697631, 9);
    expect(fit.intercept).toBeCloseTo(41.49395827688973, 9);
    expect(fit.standardError).toBeCloseTo(0.03279367870517804, 9);
    expect(fit.pValue).toBeCloseTo(2.1646043209226405e-9, 15);
  });

  it('is consistent with the docs/statistics.md trend reference numbers: slope −0.853147 and SE 0.149395 on 10 df give p = 1.954e−4', () => {
    // NOTE: docs/statistics.md does not publish the test series itself, only these three numbers.
    expect(twoSidedStudentTPValue(-0.853147 / 0.149395, 10)).toBeCloseTo(1.954e-4, 7);
  });

  it('returns null with fewer than three points or a single period', () => {
    expect(fitTrend([])).toBeNull();
    expect(fitTrend(points.slice(0, 2))).toBeNull();
    expect(fitTrend([1, 2, 3].map((value) => ({ period: 4, value })))).toBeNull();
    expect(fitTrend(points.map((p, i) => ({ ...p, weight: i < 2 ? 1 : 0 })))).toBeNull();
  });

  it('rejects non-finite values and negative weights', () => {
    expect(() => fitTrend([{ period: 0, value: Number.NaN }])).toThrow(RangeError);
    expect(() => fitTrend([{ period: 0, value: 1, weight: -1 }])).toThrow(RangeError);
  });

  it('recovers an exact line with zero SE and no NaN', () => {
    const fit = fitTrend([0, 1, 2, 3].map((period) => ({ period, value: 5 - 2 * period })))!;
    expect(fit.slope).toBeCloseTo(-2, 12);
    expect(fit.intercept).toBeCloseTo(5, 12);
    expect(fit.standardError).toBeCloseTo(0, 12);
    expect(Number.isNaN(fit.pValue)).toBe(false);
  });

  it('recovers the slope of any exact line and puts it inside its interval', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -20, max: 20, noNaN: true }),
        fc.double({ min: -100, max: 100, noNaN: true }),
        fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 3, maxLength: 24 }),
        (slope, intercept, noise) => {
          const data = noise.map((e, period) => ({
            period,
            value: intercept + slope * period + e,
          }));
          const fit = fitTrend(data)!;
          expect(fit.interval.lower).toBeLessThanOrEqual(fit.slope);
          expect(fit.interval.upper).toBeGreaterThanOrEqual(fit.slope);
          expect(fit.pValue).toBeGreaterThanOrEqual(0);
          expect(fit.pValue).toBeLessThanOrEqual(1);
          const exact = fitTrend(
            noise.map((_, period) => ({ period, value: intercept + slope * period })),
          )!;
          expect(exact.slope).toBeCloseTo(slope, 6);
        },
      ),
      RUNS,
    );
  });
});

describe('NPS trend points', () => {
  it('uses NPS points as values, weights 1/SE² from the adjusted counts, and skips empty months', () => {
    const months = [dpc(10, 10, 20), dpc(0, 0, 0), dpc(0, 0, 15)];
    const trendPoints = npsTrendPoints(months, 100);
    expect(trendPoints.map((p) => p.period)).toEqual([100, 102]);
    expect(trendPoints[0]!.value).toBeCloseTo(25, 9);
    expect(trendPoints[1]!.value).toBe(100);
    const adjusted = npsAdjustedWaldInterval(months[2]!)!;
    const se = (adjusted.upper - adjusted.lower) / 2 / 1.959963984540054;
    expect(trendPoints[1]!.weight).toBeCloseTo(1 / (se * se), 9);
  });
});

describe('significant-drop rule (docs/statistics.md)', () => {
  it('flags (40,60,100) → (55,65,80) as a significant drop of 17.2 points', () => {
    const r = detectSignificantDrop(dpc(40, 60, 100), dpc(55, 65, 80));
    expect(r.verdict).toBe('significant-drop');
    expect(r.dropPoints).toBeCloseTo(17.2414, 4);
    expect(r.comparison!.pValue).toBeCloseTo(0.0290767, 7);
    expect(r.comparison!.interval.lower).toBeGreaterThan(0);
  });

  it('flags (120,230,650) → (150,240,610) as significant and at least 5 points', () => {
    const r = detectSignificantDrop(dpc(120, 230, 650), dpc(150, 240, 610));
    expect(r.verdict).toBe('significant-drop');
    expect(r.dropPoints).toBeCloseTo(6.9791, 4);
    expect(r.comparison!.pValue).toBeCloseTo(0.0301167, 7);
  });

  it('does not flag a rise', () => {
    expect(detectSignificantDrop(dpc(55, 65, 80), dpc(40, 60, 100)).verdict).toBe(
      'no-significant-drop',
    );
  });

  it('does not flag a statistically significant drop smaller than 5 points unless configured', () => {
    const previous = dpc(2000, 3000, 5000);
    const current = dpc(2150, 3000, 4850);
    const r = detectSignificantDrop(previous, current);
    expect(r.comparison!.pValue).toBeLessThan(0.05);
    expect(r.verdict).toBe('no-significant-drop');
    expect(detectSignificantDrop(previous, current, { minDropPoints: 2 }).verdict).toBe(
      'significant-drop',
    );
  });

  it('does not flag a large drop whose p-value misses alpha', () => {
    const r = detectSignificantDrop(dpc(10, 10, 20), dpc(14, 10, 16));
    expect(r.dropPoints).toBeGreaterThan(5);
    expect(r.verdict).toBe('no-significant-drop');
    expect(detectSignificantDrop(dpc(10, 10, 20), dpc(14, 10, 16), { alpha: 0.9 }).verdict).toBe(
      'significant-drop',
    );
  });

  it('says "not enough responses" below 30 on either side but still shows the comparison', () => {
    const r = detectSignificantDrop(dpc(0, 0, 29), dpc(29, 0, 0));
    expect(r.verdict).toBe('not-enough-responses');
    expect(r.comparison).not.toBeNull();
    expect(detectSignificantDrop(dpc(0, 0, 29), dpc(29, 0, 0), { minResponses: 10 }).verdict).toBe(
      'significant-drop',
    );
    expect(detectSignificantDrop(dpc(0, 0, 0), dpc(29, 0, 0))).toEqual({
      verdict: 'not-enough-responses',
      comparison: null,
      dropPoints: null,
    });
  });

  it('flags a drop only when all three conditions hold', () => {
    fc.assert(
      fc.property(nonEmptyNpsCountsArb(200), nonEmptyNpsCountsArb(200), (previous, current) => {
        const r = detectSignificantDrop(previous, current);
        const n = (c: typeof previous): number => c.promoters + c.passives + c.detractors;
        const enough = n(previous) >= 30 && n(current) >= 30;
        const expected = !enough
          ? 'not-enough-responses'
          : r.comparison!.pValue < 0.05 && r.dropPoints! >= 5
            ? 'significant-drop'
            : 'no-significant-drop';
        expect(r.verdict).toBe(expected);
        if (r.verdict === 'significant-drop') {
          expect(npsPoints(previous)!).toBeGreaterThan(npsPoints(current)!);
        }
      }),
      RUNS,
    );
  });
});
