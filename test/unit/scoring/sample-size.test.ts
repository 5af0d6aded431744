import fc from 'fast-check';
import {
  npsSampleSizeForDifference,
  npsSampleSizeForMargin,
  npsWaldInterval,
} from '../../../src/scoring';
import { RUNS } from './arbitraries';

// Mixes as printed in docs/statistics.md: promoters / passives / detractors (percent).
const mixes = {
  '50/0/50': { promoters: 50, passives: 0, detractors: 50 },
  '40/30/30': { promoters: 40, passives: 30, detractors: 30 },
  '50/30/20': { promoters: 50, passives: 30, detractors: 20 },
  '70/20/10': { promoters: 70, passives: 20, detractors: 10 },
} as const;

describe('sample size for a target margin (docs/statistics.md)', () => {
  it.each([
    ['50/0/50', [4266, 1534, 781, 382, 168]],
    ['40/30/30', [2943, 1058, 538, 263, 115]],
    ['50/30/20', [2601, 935, 476, 232, 102]],
    ['70/20/10', [1876, 674, 342, 167, 73]],
  ] as const)(
    'matches the table row for the %s mix at ±3, 5, 7, 10 and 15 points',
    (mix, expected) => {
      const sizes = [3, 5, 7, 10, 15].map((margin) => npsSampleSizeForMargin(mixes[mix], margin));
      expect(sizes).toEqual(expected);
    },
  );

  it('never asks for fewer than one response and returns null for an empty mix', () => {
    expect(npsSampleSizeForMargin({ promoters: 1, passives: 0, detractors: 0 }, 5)).toBe(1);
    expect(npsSampleSizeForMargin({ promoters: 0, passives: 0, detractors: 0 }, 5)).toBeNull();
  });

  it('rejects a non-positive margin', () => {
    expect(() => npsSampleSizeForMargin(mixes['50/0/50'], 0)).toThrow(RangeError);
  });

  it('achieves the requested margin with n + 3 responses in the adjusted-Wald sense', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100 }),
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 1, max: 100 }),
        fc.double({ min: 1, max: 30, noNaN: true }),
        (promoters, passives, detractors, margin) => {
          const mix = { promoters, passives, detractors };
          const n = npsSampleSizeForMargin(mix, margin)!;
          // The sample-size formula of docs/statistics.md is the Wald half-width at n' = n + 3 with the mix's V.
          const scale = (n + 3) / (promoters + passives + detractors);
          const w = npsWaldInterval({
            promoters: promoters * scale,
            passives: passives * scale,
            detractors: detractors * scale,
          })!;
          expect((w.upper - w.lower) / 2).toBeLessThanOrEqual(margin + 1e-9);
        },
      ),
      RUNS,
    );
  });
});

describe('sample size per group to detect a difference (docs/statistics.md)', () => {
  it.each([
    ['50/0/50', [6277, 1567, 695, 390]],
    ['40/30/30', [4330, 1081, 479, 268]],
    ['50/30/20', [3828, 955, 423, 237]],
    ['70/20/10', [2760, 688, 304, 170]],
  ] as const)(
    'matches the table row for the %s mix at δ = 5, 10, 15 and 20 points',
    (mix, expected) => {
      const sizes = [5, 10, 15, 20].map((delta) =>
        npsSampleSizeForDifference(mixes[mix], mixes[mix], delta),
      );
      expect(sizes).toEqual(expected);
    },
  );

  it('needs more responses for more power or a stricter alpha', () => {
    const base = npsSampleSizeForDifference(mixes['50/30/20'], mixes['50/30/20'], 10)!;
    expect(
      npsSampleSizeForDifference(mixes['50/30/20'], mixes['50/30/20'], 10, { power: 0.9 }),
    ).toBeGreaterThan(base);
    expect(
      npsSampleSizeForDifference(mixes['50/30/20'], mixes['50/30/20'], 10, { alpha: 0.01 }),
    ).toBeGreaterThan(base);
  });

  it('rejects a power outside (0, 1) and returns null for an empty mix', () => {
    expect(() =>
      npsSampleSizeForDifference(mixes['50/0/50'], mixes['50/0/50'], 5, { power: 1 }),
    ).toThrow(RangeError);
    expect(
      npsSampleSizeForDifference({ promoters: 0, passives: 0, detractors: 0 }, mixes['50/0/50'], 5),
    ).toBeNull();
  });
});
