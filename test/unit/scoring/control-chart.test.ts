import fc from 'fast-check';
import { npsControlChart, npsControlLimits } from '../../../src/scoring';
import { RUNS, dpc, nonEmptyNpsCountsArb } from './arbitraries';

describe('NPS control-chart limits with varying n (docs/statistics.md)', () => {
  it('puts limits at pooled centre ± 3·sqrt(V_pooled / n_m)', () => {
    const limits = npsControlLimits(dpc(40, 60, 100), 50)!;
    const half = 100 * 3 * Math.sqrt(0.61 / 50);
    expect(limits.centrePoints).toBeCloseTo(30, 9);
    expect(limits.lowerPoints).toBeCloseTo(30 - half, 9);
    expect(limits.upperPoints).toBeCloseTo(30 + half, 9);
  });

  it('keeps raw limits beyond ±100 but clips the display limits', () => {
    const limits = npsControlLimits(dpc(10, 10, 80), 1)!;
    expect(limits.upperPoints).toBeGreaterThan(100);
    expect(limits.displayUpperPoints).toBe(100);
  });

  it('returns null for an empty baseline or an empty period', () => {
    expect(npsControlLimits(dpc(0, 0, 0), 10)).toBeNull();
    expect(npsControlLimits(dpc(1, 1, 1), 0)).toBeNull();
  });

  it('is symmetric around the centre and narrows as n grows', () => {
    fc.assert(
      fc.property(nonEmptyNpsCountsArb(), fc.integer({ min: 1, max: 5000 }), (baseline, n) => {
        const limits = npsControlLimits(baseline, n)!;
        const wider = npsControlLimits(baseline, n + 1)!;
        expect(limits.centrePoints - limits.lowerPoints).toBeCloseTo(
          limits.upperPoints - limits.centrePoints,
          9,
        );
        expect(wider.upperPoints).toBeLessThanOrEqual(limits.upperPoints + 1e-12);
        expect(limits.displayLowerPoints).toBeGreaterThanOrEqual(-100);
        expect(limits.displayUpperPoints).toBeLessThanOrEqual(100);
      }),
      RUNS,
    );
  });
});

describe('NPS control chart signals (Western Electric rules 1 and 4)', () => {
  const baseline = dpc(300, 300, 400); // NPS +10, V = 0.69

  it('flags a month outside the 3σ limits (rule 1)', () => {
    const chart = npsControlChart(baseline, [dpc(30, 30, 40), dpc(60, 20, 20)]);
    expect(chart.map((p) => p.outsideLimits)).toEqual([false, true]);
    expect(chart[1]!.npsPoints).toBeCloseTo(-40, 9);
  });

  it('flags the 8th consecutive month on the same side of the centre (rule 4)', () => {
    const above = dpc(28, 30, 42); // NPS +14, inside the limits at n = 100
    const chart = npsControlChart(
      baseline,
      Array.from({ length: 9 }, () => above),
    );
    expect(chart.map((p) => p.runSignal)).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      true,
      true,
    ]);
    expect(chart.every((p) => !p.outsideLimits)).toBe(true);
  });

  it('restarts the run on the centre line, on the other side, or in an empty month', () => {
    const above = dpc(28, 30, 42);
    const onLine = dpc(30, 30, 40);
    const months = [
      ...Array.from({ length: 7 }, () => above),
      onLine,
      ...Array.from({ length: 7 }, () => above),
    ];
    expect(npsControlChart(baseline, months).some((p) => p.runSignal)).toBe(false);
    const withGap = [
      ...Array.from({ length: 4 }, () => above),
      dpc(0, 0, 0),
      ...Array.from({ length: 4 }, () => above),
    ];
    const chart = npsControlChart(baseline, withGap);
    expect(chart.some((p) => p.runSignal)).toBe(false);
    expect(chart[4]).toMatchObject({ n: 0, npsPoints: null, limits: null, outsideLimits: false });
  });

  it('pools a list of baseline months and honours a custom run length and width', () => {
    const pooled = npsControlChart([dpc(100, 100, 200), dpc(200, 200, 200)], [dpc(30, 30, 40)]);
    expect(pooled[0]!.limits!.centrePoints).toBeCloseTo(10, 9);
    const above = dpc(28, 30, 42);
    expect(npsControlChart(baseline, [above, above], { runLength: 2 })[1]!.runSignal).toBe(true);
    expect(npsControlChart(baseline, [above], { sigmas: 0.4 })[0]!.outsideLimits).toBe(true);
  });
});
