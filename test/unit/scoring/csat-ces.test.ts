import fc from 'fast-check';
import {
  cesAgreePercent,
  cesCountsFromScoreCounts,
  cesCountsFromScores,
  cesMean,
  cesStandardDeviation,
  csatCountsFromScoreCounts,
  csatCountsFromScores,
  csatPercent,
  isSmallSample,
  scoreCes,
  scoreCsat,
  scoreNps,
} from '../../../src/scoring';
import { RUNS, dpc } from './arbitraries';

describe('CES from the CYS Group worked example (docs/statistics.md)', () => {
  // Counts for answers 1..7; index 0 (no such answer) is empty.
  const counts = cesCountsFromScoreCounts([0, 80, 210, 140, 110, 160, 180, 120]);
  const summary = scoreCes(counts);

  it('has n = 1,000 and mean 4.08', () => {
    expect(summary.total).toBe(1000);
    expect(summary.meanScore).toBeCloseTo(4.08, 6);
  });

  it('gives the 95 % t interval [3.9613, 4.1987]', () => {
    expect(summary.meanInterval!.lower).toBeCloseTo(3.9613, 4);
    expect(summary.meanInterval!.upper).toBeCloseTo(4.1987, 4);
    // SciPy: mean ± t.ppf(0.975, 999)·s/√n with s = 1.912395685326982.
    expect(summary.standardDeviation).toBeCloseTo(1.912395685326982, 9);
    expect(summary.meanInterval!.lower).toBeCloseTo(3.961326886924596, 9);
    expect(summary.meanInterval!.upper).toBeCloseTo(4.198673113075404, 9);
  });

  it('gives 46.0 % agree (5–7) with Wilson interval [42.93 %, 49.10 %]', () => {
    expect(summary.agreePercent).toBeCloseTo(46, 6);
    expect(summary.agreeInterval!.lower).toBeCloseTo(42.93, 2);
    expect(summary.agreeInterval!.upper).toBeCloseTo(49.1, 2);
    // SciPy binomtest(460, 1000).proportion_ci("wilson").
    expect(summary.agreeInterval!.lower / 100).toBeCloseTo(0.42932142688110647, 9);
    expect(summary.agreeInterval!.upper / 100).toBeCloseTo(0.49098471379773795, 9);
  });
});

describe('CES edge cases', () => {
  it('returns nulls for no answers without throwing', () => {
    const summary = scoreCes(cesCountsFromScores([]));
    expect(summary).toMatchObject({
      total: 0,
      meanScore: null,
      standardDeviation: null,
      meanInterval: null,
      agreePercent: null,
      agreeInterval: null,
      tooFewResponses: true,
    });
  });

  it('gives a mean but no t interval for a single answer', () => {
    const summary = scoreCes(cesCountsFromScores([6]));
    expect(summary.meanScore).toBe(6);
    expect(summary.standardDeviation).toBeNull();
    expect(summary.meanInterval).toBeNull();
    expect(summary.agreePercent).toBe(100);
    expect(summary.agreeInterval).not.toBeNull();
  });

  it('gives a zero-width mean interval when every answer is the same', () => {
    const summary = scoreCes(cesCountsFromScores([7, 7, 7]));
    expect(summary.meanInterval).toMatchObject({ lower: 7, upper: 7 });
  });

  it('rejects answers off 1–7 and impossible sums', () => {
    expect(() => cesCountsFromScores([0])).toThrow(RangeError);
    expect(() => cesCountsFromScores([8])).toThrow(RangeError);
    expect(() => cesCountsFromScoreCounts([1, 0, 0])).toThrow(RangeError);
    expect(() => cesMean({ total: 2, sum: 20, sumOfSquares: 200, agree: 2 })).toThrow(RangeError);
    expect(() => cesMean({ total: 2, sum: 8, sumOfSquares: 32, agree: 3 })).toThrow(RangeError);
  });

  it('matches the mean, sample SD and agree share computed from the raw answers', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 2, maxLength: 300 }),
        (scores) => {
          const counts = cesCountsFromScores(scores);
          const mean = scores.reduce((s, x) => s + x, 0) / scores.length;
          const variance = scores.reduce((s, x) => s + (x - mean) ** 2, 0) / (scores.length - 1);
          expect(cesMean(counts)).toBeCloseTo(mean, 9);
          expect(cesStandardDeviation(counts)).toBeCloseTo(Math.sqrt(variance), 9);
          expect(cesAgreePercent(counts)).toBeCloseTo(
            (100 * scores.filter((x) => x >= 5).length) / scores.length,
            9,
          );
          const summary = scoreCes(counts);
          expect(summary.meanInterval!.displayLower).toBeGreaterThanOrEqual(1);
          expect(summary.meanInterval!.displayUpper).toBeLessThanOrEqual(7);
        },
      ),
      RUNS,
    );
  });
});

describe('CSAT (docs/statistics.md)', () => {
  it('counts 4 and 5 as satisfied on the 1–5 scale', () => {
    expect(csatCountsFromScores([1, 2, 3, 4, 5, 5])).toEqual({ satisfied: 3, total: 6 });
    expect(csatPercent({ satisfied: 3, total: 6 })).toBe(50);
  });

  it('matches the docs/statistics.md Wilson vector 81/263 in percent', () => {
    const summary = scoreCsat({ satisfied: 81, total: 263 });
    expect(summary.csatPercent! / 100).toBeCloseTo(81 / 263, 9);
    expect(summary.interval!.lower / 100).toBeCloseTo(0.255289, 6);
    expect(summary.interval!.upper / 100).toBeCloseTo(0.36621, 6);
  });

  it('returns a null score and interval for no answers and flags the sample', () => {
    expect(scoreCsat({ satisfied: 0, total: 0 })).toEqual({
      total: 0,
      csatPercent: null,
      interval: null,
      tooFewResponses: true,
    });
  });

  it('rejects answers off 1–5 and satisfied above total', () => {
    expect(() => csatCountsFromScores([6])).toThrow(RangeError);
    expect(() => csatCountsFromScoreCounts([2, 1])).toThrow(RangeError);
    expect(() => csatPercent({ satisfied: 5, total: 4 })).toThrow(RangeError);
  });

  it('gives the same counts from raw answers as from per-score counts', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 5 }), { maxLength: 300 }), (scores) => {
        const perScore = [0, 0, 0, 0, 0, 0];
        scores.forEach((s) => (perScore[s] = (perScore[s] ?? 0) + 1));
        const expected = { satisfied: scores.filter((s) => s >= 4).length, total: scores.length };
        expect(csatCountsFromScores(scores)).toEqual(expected);
        expect(csatCountsFromScoreCounts(perScore)).toEqual(expected);
      }),
      RUNS,
    );
  });

  it('keeps the share and its display bounds within 0..100', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 5000 })
          .chain((total) =>
            fc.record({ satisfied: fc.integer({ min: 0, max: total }), total: fc.constant(total) }),
          ),
        (counts) => {
          const s = scoreCsat(counts);
          expect(s.csatPercent).toBeGreaterThanOrEqual(0);
          expect(s.csatPercent).toBeLessThanOrEqual(100);
          expect(s.interval!.displayLower).toBeGreaterThanOrEqual(0);
          expect(s.interval!.displayUpper).toBeLessThanOrEqual(100);
          expect(s.interval!.lower).toBeLessThanOrEqual(s.interval!.upper);
        },
      ),
      RUNS,
    );
  });
});

describe('headline scores and the small-sample flag (docs/statistics.md)', () => {
  it('flags fewer than 30 responses by default and honours a custom threshold', () => {
    expect(isSmallSample(29)).toBe(true);
    expect(isSmallSample(30)).toBe(false);
    expect(isSmallSample(30, 50)).toBe(true);
    expect(scoreNps(dpc(10, 10, 9)).tooFewResponses).toBe(true);
    expect(scoreNps(dpc(10, 10, 10)).tooFewResponses).toBe(false);
    expect(scoreNps(dpc(10, 10, 10), { minResponses: 100 }).tooFewResponses).toBe(true);
  });

  it('bundles NPS, shares, SE and the adjusted Wald interval in points', () => {
    const s = scoreNps(dpc(40, 60, 100));
    expect(s.n).toBe(200);
    expect(s.npsPoints).toBeCloseTo(30, 9);
    expect(s.promoterPercent).toBe(50);
    expect(s.detractorPercent).toBe(20);
    expect(s.interval!.lower / 100).toBeCloseTo(0.188155, 6);
    expect(s.interval!.upper / 100).toBeCloseTo(0.402978, 6);
  });

  it('returns null scores and interval, flagged, when n = 0', () => {
    expect(scoreNps(dpc(0, 0, 0))).toEqual({
      n: 0,
      npsPoints: null,
      promoterPercent: null,
      passivePercent: null,
      detractorPercent: null,
      standardErrorPoints: null,
      interval: null,
      tooFewResponses: true,
    });
  });

  it('uses the requested confidence level', () => {
    expect(scoreNps(dpc(40, 60, 100), { confidence: 0.9 }).interval!.confidence).toBe(0.9);
    expect(
      scoreCes(cesCountsFromScores([1, 5, 7]), { confidence: 0.9 }).meanInterval!.confidence,
    ).toBe(0.9);
  });
});
