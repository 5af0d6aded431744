import fc from 'fast-check';
import {
  NPS_BREAKS,
  countScores,
  npsCountsFromScoreCounts,
  npsCountsFromScores,
  npsPoints,
  npsShares,
  npsStandardErrorPoints,
  npsTotal,
  npsVariance,
  sumNpsCounts,
} from '../../../src/scoring';
import { RUNS, dpc, mirror, npsCountsArb, nonEmptyNpsCountsArb } from './arbitraries';

describe('NPS point estimate, variance and standard error (docs/statistics.md)', () => {
  // R package NPS, tests/testthat/test_01_basics.R: NPS and V exact, SE to 3 published decimals.
  const vectors: [number[], number, number, number][] = [
    [[1, 2, 3], 1 / 3, 5 / 9, 0.304],
    [[1, 0, 1], 0, 1, 0.707],
    [[0, 1, 1], 0.5, 0.25, 0.354],
    [[1, 1, 1], 0, 2 / 3, 0.471],
    [[1, 0, 0], -1, 0, 0],
    [[0, 1, 0], 0, 0, 0],
    [[0, 0, 1], 1, 0, 0],
  ];

  it.each(vectors)('matches the R package for (D, P, C) = %j', ([d, p, c], nps, v, se) => {
    const counts = dpc(d!, p!, c!);
    expect(npsPoints(counts)! / 100).toBeCloseTo(nps, 6);
    expect(npsVariance(counts)).toBeCloseTo(v, 6);
    expect(npsStandardErrorPoints(counts)! / 100).toBeCloseTo(se, 3);
    expect(npsStandardErrorPoints(counts)! / 100).toBeCloseTo(Math.sqrt(v / (d! + p! + c!)), 6);
  });

  it('gives V = 5/9 for shares (1/6, 1/3, 1/2), as in whuber’s stats.stackexchange answer', () => {
    expect(npsVariance(dpc(1 / 6, 1 / 3, 1 / 2))).toBeCloseTo(5 / 9, 6);
    expect(npsPoints(dpc(1 / 6, 1 / 3, 1 / 2))! / 100).toBeCloseTo(1 / 3, 6);
  });

  it('buckets scores 1..15 with breaks (0, 6, 8, 15) into (6, 2, 7) with NPS 1/15 and V 0.8622', () => {
    const scores = Array.from({ length: 15 }, (_, i) => i + 1);
    const counts = npsCountsFromScores(scores, { detractorMax: 6, passiveMax: 8, scaleMax: 15 });
    expect(counts).toEqual(dpc(6, 2, 7));
    expect(npsPoints(counts)! / 100).toBeCloseTo(1 / 15, 6);
    expect(npsVariance(counts)).toBeCloseTo(0.8622, 4);
    expect(npsVariance(counts)).toBeCloseTo(194 / 225, 12);
  });

  it('returns null score, variance and SE when there are no responses', () => {
    const empty = dpc(0, 0, 0);
    expect(npsPoints(empty)).toBeNull();
    expect(npsVariance(empty)).toBeNull();
    expect(npsStandardErrorPoints(empty)).toBeNull();
    expect(npsShares(empty)).toEqual({
      promoterPercent: null,
      passivePercent: null,
      detractorPercent: null,
    });
  });

  it('scores a single promoter as +100 with zero variance', () => {
    expect(npsPoints(dpc(0, 0, 1))).toBe(100);
    expect(npsStandardErrorPoints(dpc(0, 0, 1))).toBe(0);
  });

  it('rejects negative, NaN and infinite counts with a RangeError', () => {
    expect(() => npsPoints(dpc(-1, 0, 0))).toThrow(RangeError);
    expect(() => npsPoints(dpc(Number.NaN, 0, 0))).toThrow(RangeError);
    expect(() => npsTotal(dpc(0, Infinity, 0))).toThrow(RangeError);
  });

  it('keeps NPS within −100..100 and V within 0..1', () => {
    fc.assert(
      fc.property(nonEmptyNpsCountsArb(), (counts) => {
        const nps = npsPoints(counts)!;
        const v = npsVariance(counts)!;
        expect(nps).toBeGreaterThanOrEqual(-100);
        expect(nps).toBeLessThanOrEqual(100);
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
      }),
      RUNS,
    );
  });

  it('negates NPS and keeps V when promoters and detractors are swapped', () => {
    fc.assert(
      fc.property(nonEmptyNpsCountsArb(), (counts) => {
        expect(npsPoints(mirror(counts))).toBeCloseTo(-npsPoints(counts)!, 9);
        expect(npsVariance(mirror(counts))).toBeCloseTo(npsVariance(counts)!, 12);
      }),
      RUNS,
    );
  });

  it('moves NPS toward 0 when a passive is added', () => {
    fc.assert(
      fc.property(nonEmptyNpsCountsArb(), (counts) => {
        const before = npsPoints(counts)!;
        const after = npsPoints({ ...counts, passives: counts.passives + 1 })!;
        expect(Math.abs(after)).toBeLessThanOrEqual(Math.abs(before) + 1e-12);
        expect(after * before).toBeGreaterThanOrEqual(0);
      }),
      RUNS,
    );
  });

  it('shares add up to 100 percent and match NPS = %promoters − %detractors', () => {
    fc.assert(
      fc.property(nonEmptyNpsCountsArb(), (counts) => {
        const s = npsShares(counts);
        expect(s.promoterPercent! + s.passivePercent! + s.detractorPercent!).toBeCloseTo(100, 9);
        expect(s.promoterPercent! - s.detractorPercent!).toBeCloseTo(npsPoints(counts)!, 9);
      }),
      RUNS,
    );
  });
});

describe('bucketing 0–10 answers into NPS categories (docs/statistics.md)', () => {
  const scoresArb = fc.array(fc.integer({ min: 0, max: 10 }), { maxLength: 300 });

  it('puts 0–6 in detractors, 7–8 in passives and 9–10 in promoters', () => {
    expect(npsCountsFromScores([0, 6, 7, 8, 9, 10, 10])).toEqual(dpc(2, 2, 3));
    expect(NPS_BREAKS).toEqual({ detractorMax: 6, passiveMax: 8, scaleMax: 10 });
  });

  it('gives the same counts from raw answers as from the 11 per-score counts', () => {
    fc.assert(
      fc.property(scoresArb, (scores) => {
        const expected = dpc(
          scores.filter((s) => s <= 6).length,
          scores.filter((s) => s === 7 || s === 8).length,
          scores.filter((s) => s >= 9).length,
        );
        expect(npsCountsFromScores(scores)).toEqual(expected);
        expect(npsCountsFromScoreCounts(countScores(scores, { min: 0, max: 10 }))).toEqual(
          expected,
        );
      }),
      RUNS,
    );
  });

  it('gives the same NPS from summed daily rollups as from all answers at once', () => {
    fc.assert(
      fc.property(fc.array(scoresArb, { maxLength: 10 }), (days) => {
        const rolledUp = sumNpsCounts(days.map((day) => npsCountsFromScores(day)));
        const all = npsCountsFromScores(days.flat());
        expect(rolledUp).toEqual(all);
        expect(npsPoints(rolledUp)).toBe(npsPoints(all));
      }),
      RUNS,
    );
  });

  it('treats missing trailing score counts as zero', () => {
    expect(npsCountsFromScoreCounts([1, 0, 0])).toEqual(dpc(1, 0, 0));
    expect(npsCountsFromScoreCounts([])).toEqual(dpc(0, 0, 0));
  });

  it('rejects answers above 10, fractional answers and negative per-score counts', () => {
    expect(() => npsCountsFromScores([11])).toThrow(RangeError);
    expect(() => npsCountsFromScores([7.5])).toThrow(RangeError);
    expect(() => npsCountsFromScores([-1])).toThrow(RangeError);
    expect(() => npsCountsFromScoreCounts([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2])).toThrow(
      RangeError,
    );
    expect(() => npsCountsFromScoreCounts([0, -1])).toThrow(RangeError);
  });

  it('accepts extra zero entries above the scale', () => {
    expect(npsCountsFromScoreCounts([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0])).toEqual(dpc(0, 0, 1));
  });

  it('counts raw answers per score value at the matching index', () => {
    fc.assert(
      fc.property(scoresArb, (scores) => {
        const counts = countScores(scores, { min: 0, max: 10 });
        expect(counts).toHaveLength(11);
        counts.forEach((count, score) => {
          expect(count).toBe(scores.filter((s) => s === score).length);
        });
      }),
      RUNS,
    );
  });
});

describe('npsCounts arbitrary', () => {
  it('includes empty samples so the n = 0 paths are exercised', () => {
    const samples = fc.sample(npsCountsArb(), 2000);
    expect(samples.some((c) => npsTotal(c) === 0)).toBe(true);
  });
});
