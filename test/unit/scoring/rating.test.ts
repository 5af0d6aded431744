import fc from 'fast-check';
import {
  benchmarkVerdict,
  ratingCountsFromScoreCounts,
  scoreCes,
  cesCountsFromScoreCounts,
  scoreRating,
  scoreShare,
  shareCountsFromScoreCounts,
} from '../../../src/scoring';
import { RUNS } from './arbitraries';

const STARS = { min: 1, max: 5 };
const THUMBS = { min: 0, max: 1 };
const PMF = { min: 1, max: 3 };

describe('scoreShare (Wilson, docs/statistics.md §7.1 and §9)', () => {
  it.each([
    // successes, total, lower %, upper % (SciPy binomtest().proportion_ci("wilson"))
    [81, 263, 25.5288519878, 36.6209576983],
    [0, 20, 0, 16.1125],
    [29, 29, 88.303, 100],
  ])('%i of %i → [%f, %f]', (successes, total, lower, upper) => {
    const s = scoreShare({ successes, total });
    expect(s.percent).toBeCloseTo((100 * successes) / total, 9);
    expect(s.interval!.lower).toBeCloseTo(lower, 3);
    expect(s.interval!.upper).toBeCloseTo(upper, 3);
  });

  it('counts thumbs up (1 of 0–1) and PMF "very disappointed" (3 of 1–3)', () => {
    expect(shareCountsFromScoreCounts([182, 81], THUMBS, 1)).toEqual({ successes: 81, total: 263 });
    expect(shareCountsFromScoreCounts([0, 100, 82, 81], PMF, 3)).toEqual({
      successes: 81,
      total: 263,
    });
  });

  it('refuses answers off the scale', () => {
    expect(() => shareCountsFromScoreCounts([0, 1, 1], THUMBS, 1)).toThrow(RangeError);
  });

  it('is empty and flagged at n = 0', () => {
    expect(scoreShare({ successes: 0, total: 0 })).toEqual({
      total: 0,
      percent: null,
      interval: null,
      tooFewResponses: true,
    });
  });
});

describe('scoreRating (t interval §7.2, top-box share §7.1)', () => {
  it('reproduces the CES worked example when given the 1–7 scale', () => {
    const counts = [0, 80, 210, 140, 110, 160, 180, 120];
    const r = scoreRating(ratingCountsFromScoreCounts(counts, { min: 1, max: 7 }, 5), {
      min: 1,
      max: 7,
    });
    expect(r.meanScore).toBeCloseTo(4.08, 9);
    expect(r.meanInterval!.lower).toBeCloseTo(3.9613, 4);
    expect(r.meanInterval!.upper).toBeCloseTo(4.1987, 4);
    expect(r.topPercent).toBeCloseTo(46, 9);
    expect(r.topInterval!.lower).toBeCloseTo(42.93, 2);
    expect(r.topInterval!.upper).toBeCloseTo(49.1, 2);
    const ces = scoreCes(cesCountsFromScoreCounts(counts));
    expect(r.meanInterval).toEqual(ces.meanInterval);
  });

  it('scores stars 1–5: mean ± t(999)·s/√n and the share of 4–5', () => {
    // 1..5 stars: 100, 240, 200, 260, 200 (n = 1,000; 460 give 4 or 5).
    const r = scoreRating(
      ratingCountsFromScoreCounts([0, 100, 240, 200, 260, 200], STARS, 4),
      STARS,
    );
    expect(r.total).toBe(1000);
    expect(r.meanScore).toBeCloseTo(3.22, 9);
    // SciPy: s = 1.2857889613981188, t.ppf(0.975, 999) = 1.9623414611334493.
    expect(r.standardDeviation).toBeCloseTo(1.2857889613981188, 9);
    expect(r.meanInterval!.lower).toBeCloseTo(3.140210770198943, 9);
    expect(r.meanInterval!.upper).toBeCloseTo(3.2997892298010574, 9);
    expect(r.topInterval!.lower).toBeCloseTo(42.932142688, 6);
    expect(r.topInterval!.upper).toBeCloseTo(49.09847138, 6);
  });

  it('has no interval below two answers', () => {
    const r = scoreRating(ratingCountsFromScoreCounts([0, 0, 0, 0, 1, 0], STARS, 4), STARS);
    expect(r.meanScore).toBe(4);
    expect(r.meanInterval).toBeNull();
    expect(r.topPercent).toBe(100);
  });

  it('keeps the mean inside its display bounds and the interval around it', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(50), { minLength: 5, maxLength: 5 }), (c) => {
        const counts = ratingCountsFromScoreCounts([0, ...c], STARS, 4);
        const r = scoreRating(counts, STARS);
        if (r.meanScore === null || r.meanInterval === null) {
          return;
        }
        expect(r.meanScore).toBeGreaterThanOrEqual(1);
        expect(r.meanScore).toBeLessThanOrEqual(5);
        expect(r.meanInterval.displayLower).toBeGreaterThanOrEqual(1);
        expect(r.meanInterval.displayUpper).toBeLessThanOrEqual(5);
        expect(r.meanInterval.lower).toBeLessThanOrEqual(r.meanScore + 1e-9);
        expect(r.meanInterval.upper).toBeGreaterThanOrEqual(r.meanScore - 1e-9);
      }),
      RUNS,
    );
  });
});

describe('benchmarkVerdict (PMF against 40 %)', () => {
  it('is below when the whole interval is under the line, above when over, else unclear', () => {
    expect(benchmarkVerdict(scoreShare({ successes: 81, total: 263 }).interval, 40)).toBe('below');
    expect(benchmarkVerdict(scoreShare({ successes: 29, total: 29 }).interval, 40)).toBe('above');
    expect(benchmarkVerdict(scoreShare({ successes: 8, total: 20 }).interval, 40)).toBe('unclear');
    expect(benchmarkVerdict(null, 40)).toBeNull();
  });
});
