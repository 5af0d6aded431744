import fc from 'fast-check';
import type { Interval } from '../../../src/scoring';
import {
  meanTInterval,
  npsAdjustedWaldInterval,
  npsPoints,
  npsTangoInterval,
  npsWaldInterval,
  wilsonInterval,
} from '../../../src/scoring';
import { RUNS, confidenceArb, dpc, mirror, nonEmptyNpsCountsArb } from './arbitraries';

/** Compares an interval in points/percent with published bounds on the proportion scale. */
function expectBounds(interval: Interval | null, lower: number, upper: number, digits = 6): void {
  expect(interval).not.toBeNull();
  expect(interval!.lower / 100).toBeCloseTo(lower, digits);
  expect(interval!.upper / 100).toBeCloseTo(upper, digits);
}

describe('NPS intervals against the docs/statistics.md table (Rocks’ R code, 95 %)', () => {
  // (D, P, C), Wald, adjusted Wald, Tango score — proportion scale.
  const table: [number[], number, number[], number[], number[]][] = [
    [[1, 2, 3], 0.333333, [-0.263065, 0.929731], [-0.267433, 0.711877], [-0.311074, 0.753957]],
    [[2, 3, 5], 0.3, [-0.184075, 0.784075], [-0.190506, 0.652045], [-0.216592, 0.675278]],
    [[40, 60, 100], 0.3, [0.191757, 0.408243], [0.188155, 0.402978], [0.187859, 0.403531]],
    [[100, 100, 100], 0, [-0.092394, 0.092394], [-0.091821, 0.091821], [-0.092097, 0.092097]],
    [[10, 30, 60], 0.5, [0.368522, 0.631478], [0.354666, 0.616208], [0.355692, 0.618762]],
    [[0, 0, 10], 1, [1, 1], [0.475036, 1.063426], [0.444934, 1]],
    [[3, 0, 0], -1, [-1, -1], [-1.065793, 0.065793], [-1, 0.122994]],
    [[120, 230, 650], 0.53, [0.486654, 0.573346], [0.485095, 0.571734], [0.485104, 0.571787]],
  ];

  describe.each(table)('for (D, P, C) = %j', ([d, p, c], nps, wald, adjusted, tango) => {
    const counts = dpc(d!, p!, c!);

    it('reports the raw NPS', () => {
      expect(npsPoints(counts)! / 100).toBeCloseTo(nps, 6);
    });

    it('matches the Wald interval', () => {
      expectBounds(npsWaldInterval(counts), wald[0]!, wald[1]!);
    });

    it('matches the adjusted Wald interval', () => {
      expectBounds(npsAdjustedWaldInterval(counts), adjusted[0]!, adjusted[1]!);
    });

    it('matches the Tango score interval', () => {
      expectBounds(npsTangoInterval(counts), tango[0]!, tango[1]!);
    });
  });

  it('leaves the adjusted Wald raw bounds unclipped at 10/10 promoters but clips the display bounds', () => {
    const interval = npsAdjustedWaldInterval(dpc(0, 0, 10))!;
    expect(interval.lower / 100).toBeCloseTo(0.475036, 6);
    expect(interval.upper / 100).toBeCloseTo(1.063426, 6);
    expect(interval.displayLower).toBeCloseTo(47.5036, 4);
    expect(interval.displayUpper).toBe(100);
  });

  it('centres the adjusted Wald interval on the adjusted NPS, not the raw one', () => {
    const interval = npsAdjustedWaldInterval(dpc(1, 2, 3))!;
    expect(interval.adjustedNpsPoints).toBeCloseTo((100 * (3.75 - 1.75)) / 9, 9);
    expect((interval.lower + interval.upper) / 2).toBeCloseTo(interval.adjustedNpsPoints, 9);
  });

  it('gives a half-width of about 160/√n points with a third in each bucket (CYBAEA, n = 300)', () => {
    const w = npsWaldInterval(dpc(100, 100, 100))!;
    const half = (w.upper - w.lower) / 2;
    expect(half).toBeCloseTo(9.239, 3);
    expect(160 / Math.sqrt(300)).toBeCloseTo(9.238, 3);
    expect(half / 100).toBeCloseTo(0.092394, 6);
  });

  it('collapses the Wald interval to zero width when every answer is a promoter', () => {
    expect(npsWaldInterval(dpc(0, 0, 10))).toMatchObject({ lower: 100, upper: 100 });
  });

  it('returns null intervals when there are no responses', () => {
    expect(npsWaldInterval(dpc(0, 0, 0))).toBeNull();
    expect(npsAdjustedWaldInterval(dpc(0, 0, 0))).toBeNull();
    expect(npsTangoInterval(dpc(0, 0, 0))).toBeNull();
  });

  it('handles a single response with finite bounds', () => {
    for (const counts of [dpc(1, 0, 0), dpc(0, 1, 0), dpc(0, 0, 1)]) {
      for (const interval of [
        npsWaldInterval(counts),
        npsAdjustedWaldInterval(counts),
        npsTangoInterval(counts),
      ]) {
        expect(Number.isFinite(interval!.lower)).toBe(true);
        expect(Number.isFinite(interval!.upper)).toBe(true);
      }
    }
  });

  it('rejects a confidence outside (0, 1)', () => {
    for (const confidence of [0, 1, 95, -0.5, Number.NaN]) {
      expect(() => npsAdjustedWaldInterval(dpc(1, 1, 1), confidence)).toThrow(RangeError);
      expect(() => wilsonInterval(1, 2, confidence)).toThrow(RangeError);
    }
  });
});

describe('NPS interval properties', () => {
  const methods = [
    ['Wald', npsWaldInterval],
    ['adjusted Wald', npsAdjustedWaldInterval],
    ['Tango score', npsTangoInterval],
  ] as const;

  describe.each(methods)('%s', (_name, method) => {
    it('has lower ≤ upper and display bounds inside −100..100', () => {
      fc.assert(
        fc.property(nonEmptyNpsCountsArb(), confidenceArb, (counts, confidence) => {
          const i = method(counts, confidence)!;
          expect(i.lower).toBeLessThanOrEqual(i.upper);
          expect(i.displayLower).toBeLessThanOrEqual(i.displayUpper);
          expect(i.displayLower).toBeGreaterThanOrEqual(-100);
          expect(i.displayUpper).toBeLessThanOrEqual(100);
          expect(i.displayLower).toBe(Math.max(-100, i.lower));
          expect(i.displayUpper).toBe(Math.min(100, i.upper));
          expect(i.confidence).toBe(confidence);
        }),
        RUNS,
      );
    });

    it('mirrors the interval when promoters and detractors are swapped', () => {
      fc.assert(
        fc.property(nonEmptyNpsCountsArb(), confidenceArb, (counts, confidence) => {
          const i = method(counts, confidence)!;
          const m = method(mirror(counts), confidence)!;
          // NOTE: 1e-7 points = 1e-9 on the proportion scale; Tango's bisection lands within that.
          expect(m.lower).toBeCloseTo(-i.upper, 7);
          expect(m.upper).toBeCloseTo(-i.lower, 7);
        }),
        RUNS,
      );
    });

    it('widens as the confidence level rises', () => {
      fc.assert(
        fc.property(nonEmptyNpsCountsArb(), (counts) => {
          const narrow = method(counts, 0.8)!;
          const wide = method(counts, 0.99)!;
          expect(wide.lower).toBeLessThanOrEqual(narrow.lower + 1e-9);
          expect(wide.upper).toBeGreaterThanOrEqual(narrow.upper - 1e-9);
        }),
        RUNS,
      );
    });
  });

  it('always contains the adjusted NPS it is centred on (adjusted Wald)', () => {
    fc.assert(
      fc.property(nonEmptyNpsCountsArb(), confidenceArb, (counts, confidence) => {
        const i = npsAdjustedWaldInterval(counts, confidence)!;
        expect(i.lower).toBeLessThanOrEqual(i.adjustedNpsPoints);
        expect(i.upper).toBeGreaterThanOrEqual(i.adjustedNpsPoints);
        expect(i.adjustedNpsPoints).toBeGreaterThanOrEqual(-100);
        expect(i.adjustedNpsPoints).toBeLessThanOrEqual(100);
      }),
      RUNS,
    );
  });

  it('contains the raw NPS and never leaves −100..100 (Tango score)', () => {
    fc.assert(
      fc.property(nonEmptyNpsCountsArb(), confidenceArb, (counts, confidence) => {
        const i = npsTangoInterval(counts, confidence)!;
        const nps = npsPoints(counts)!;
        expect(i.lower).toBeGreaterThanOrEqual(-100);
        expect(i.upper).toBeLessThanOrEqual(100);
        expect(i.lower).toBeLessThanOrEqual(nps + 1e-9);
        expect(i.upper).toBeGreaterThanOrEqual(nps - 1e-9);
      }),
      RUNS,
    );
  });
});

describe('Wilson score interval (docs/statistics.md)', () => {
  it('matches SciPy on the docs/statistics.md Wilson vectors 81/263, 0/20 and 29/29', () => {
    expectBounds(wilsonInterval(81, 263), 0.255289, 0.36621);
    expectBounds(wilsonInterval(0, 20), 0, 0.161125);
    expectBounds(wilsonInterval(29, 29), 0.88303, 1);
  });

  it('matches SciPy binomtest().proportion_ci("wilson") on 15/148 and 1/29 (Newcombe’s other cases)', () => {
    // Reference values computed with SciPy 1.17 for this test.
    expectBounds(wilsonInterval(15, 148), 0.0623863995307363, 0.160487241723308, 9);
    expectBounds(wilsonInterval(1, 29), 0.00611321429276267, 0.171755218793203, 9);
  });

  it('returns null when there are no answers', () => {
    expect(wilsonInterval(0, 0)).toBeNull();
  });

  it('rejects more successes than answers', () => {
    expect(() => wilsonInterval(3, 2)).toThrow(RangeError);
  });

  it('stays inside 0..100 and contains the observed share', () => {
    fc.assert(
      fc.property(
        fc
          .nat({ max: 5000 })
          .chain((total) => fc.tuple(fc.nat({ max: total }), fc.constant(total + 1))),
        confidenceArb,
        ([successes, total], confidence) => {
          const i = wilsonInterval(successes, total, confidence)!;
          const share = (100 * successes) / total;
          expect(i.lower).toBeGreaterThanOrEqual(-1e-9);
          expect(i.upper).toBeLessThanOrEqual(100 + 1e-9);
          expect(i.displayLower).toBeGreaterThanOrEqual(0);
          expect(i.displayUpper).toBeLessThanOrEqual(100);
          expect(i.lower).toBeLessThanOrEqual(share + 1e-9);
          expect(i.upper).toBeGreaterThanOrEqual(share - 1e-9);
        },
      ),
      RUNS,
    );
  });
});

describe('t interval for a mean (docs/statistics.md)', () => {
  it('returns null for fewer than two answers', () => {
    const range = { min: 1, max: 7 };
    expect(meanTInterval({ mean: 4, standardDeviation: 0, n: 1 }, range)).toBeNull();
    expect(meanTInterval({ mean: 4, standardDeviation: 0, n: 0 }, range)).toBeNull();
  });

  it('clips display bounds to the scale while keeping the raw bounds', () => {
    const i = meanTInterval({ mean: 6.9, standardDeviation: 1, n: 2 }, { min: 1, max: 7 })!;
    expect(i.upper).toBeGreaterThan(7);
    expect(i.displayUpper).toBe(7);
    expect(i.lower).toBeCloseTo(6.9 - 12.706204736174694 / Math.sqrt(2), 9);
    expect(i.displayLower).toBe(1);
  });

  it('contains the mean and keeps display bounds inside 1..7', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1, max: 7, noNaN: true }),
        fc.double({ min: 0, max: 3, noNaN: true }),
        fc.integer({ min: 2, max: 100_000 }),
        (mean, standardDeviation, n) => {
          const i = meanTInterval({ mean, standardDeviation, n }, { min: 1, max: 7 })!;
          expect(i.lower).toBeLessThanOrEqual(mean);
          expect(i.upper).toBeGreaterThanOrEqual(mean);
          expect(i.displayLower).toBeGreaterThanOrEqual(1);
          expect(i.displayUpper).toBeLessThanOrEqual(7);
        },
      ),
      RUNS,
    );
  });
});
