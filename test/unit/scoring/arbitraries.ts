import fc from 'fast-check';
import type { NpsCounts } from '../../../src/scoring';

/** fast-check settings used by every property in this folder. */
export const RUNS = { numRuns: 1000 } as const;

/** Category counts including empty and single-bucket cases. */
export const npsCountsArb = (max = 2000): fc.Arbitrary<NpsCounts> =>
  fc.record({
    promoters: fc.oneof(fc.constant(0), fc.nat({ max })),
    passives: fc.oneof(fc.constant(0), fc.nat({ max })),
    detractors: fc.oneof(fc.constant(0), fc.nat({ max })),
  });

/** Non-empty category counts. */
export const nonEmptyNpsCountsArb = (max = 2000): fc.Arbitrary<NpsCounts> =>
  npsCountsArb(max).filter((c) => c.promoters + c.passives + c.detractors > 0);

/** Confidence levels a report might ask for. */
export const confidenceArb = fc.double({ min: 0.5, max: 0.999, noNaN: true });

/** Swaps promoters and detractors. */
export function mirror(c: NpsCounts): NpsCounts {
  return { promoters: c.detractors, passives: c.passives, detractors: c.promoters };
}

/** Builds counts from the (D, P, C) order used in docs/statistics.md. */
export function dpc(detractors: number, passives: number, promoters: number): NpsCounts {
  return { detractors, passives, promoters };
}
