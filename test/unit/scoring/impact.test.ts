import fc from 'fast-check';
import type { NpsCounts } from '../../../src/scoring';
import { npsImpact, npsPoints, npsWhatIf, rankByImprovementPotential } from '../../../src/scoring';
import { RUNS, dpc, nonEmptyNpsCountsArb } from './arbitraries';

const all = dpc(300, 300, 400);
const theme = dpc(120, 40, 40);

describe('impact of a theme or segment on overall NPS (docs/statistics.md)', () => {
  it('reproduces the worked example: +10 overall, +22.5 without the theme, impact −12.5', () => {
    const r = npsImpact(all, theme);
    expect(r.overallNpsPoints).toBeCloseTo(10, 6);
    expect(r.withoutGroupNpsPoints).toBeCloseTo(22.5, 6);
    expect(r.impactPoints).toBeCloseTo(-12.5, 6);
  });

  it('returns a null impact when the group is everyone or there are no responses', () => {
    expect(npsImpact(all, all)).toEqual({
      overallNpsPoints: 10,
      withoutGroupNpsPoints: null,
      impactPoints: null,
    });
    expect(npsImpact(dpc(0, 0, 0), dpc(0, 0, 0)).impactPoints).toBeNull();
  });

  it('rejects a group larger than the whole', () => {
    expect(() => npsImpact(dpc(1, 1, 1), dpc(2, 0, 0))).toThrow(RangeError);
  });

  const subsetArb = nonEmptyNpsCountsArb().chain((whole) =>
    fc
      .record({
        promoters: fc.integer({ min: 0, max: whole.promoters }),
        passives: fc.integer({ min: 0, max: whole.passives }),
        detractors: fc.integer({ min: 0, max: whole.detractors }),
      })
      .map((group): [NpsCounts, NpsCounts] => [whole, group]),
  );

  it('equals overall NPS minus the NPS of everyone else', () => {
    fc.assert(
      fc.property(subsetArb, ([whole, group]) => {
        const r = npsImpact(whole, group);
        const rest = npsPoints({
          promoters: whole.promoters - group.promoters,
          passives: whole.passives - group.passives,
          detractors: whole.detractors - group.detractors,
        });
        if (rest === null) {
          expect(r.impactPoints).toBeNull();
        } else {
          expect(r.impactPoints).toBeCloseTo(npsPoints(whole)! - rest, 9);
        }
      }),
      RUNS,
    );
  });

  it('gives exactly the NPS change of actually moving the group’s answers up a category', () => {
    fc.assert(
      fc.property(subsetArb, ([whole, group]) => {
        const r = npsWhatIf(whole, group)!;
        const base = npsPoints(whole)!;
        const toPassives = npsPoints({
          ...whole,
          detractors: whole.detractors - group.detractors,
          passives: whole.passives + group.detractors,
        })!;
        const toPromoters = npsPoints({
          ...whole,
          detractors: whole.detractors - group.detractors,
          promoters: whole.promoters + group.detractors,
        })!;
        const passivesUp = npsPoints({
          ...whole,
          passives: whole.passives - group.passives,
          promoters: whole.promoters + group.passives,
        })!;
        expect(r.detractorsToPassivesPoints).toBeCloseTo(toPassives - base, 9);
        expect(r.detractorsToPromotersPoints).toBeCloseTo(toPromoters - base, 9);
        expect(r.passivesToPromotersPoints).toBeCloseTo(passivesUp - base, 9);
      }),
      RUNS,
    );
  });
});

describe('what-if conversions (docs/statistics.md)', () => {
  it('raises NPS by 12 points if the theme’s 120 of 1,000 detractors became passives, 24 if promoters', () => {
    const r = npsWhatIf(all, theme)!;
    expect(r.detractorsToPassivesPoints).toBeCloseTo(12, 6);
    expect(r.detractorsToPromotersPoints).toBeCloseTo(24, 6);
    expect(r.passivesToPromotersPoints).toBeCloseTo(4, 6);
  });

  it('returns null when there are no responses at all', () => {
    expect(npsWhatIf(dpc(0, 0, 0), dpc(0, 0, 0))).toBeNull();
  });

  it('ranks groups by D_g/n, largest first, with the impact beside each', () => {
    const ranked = rankByImprovementPotential(all, [
      { key: 'pricing', counts: dpc(30, 10, 10) },
      { key: 'support', counts: theme },
      { key: 'docs', counts: dpc(30, 5, 60) },
    ]);
    expect(ranked.map((g) => g.key)).toEqual(['support', 'pricing', 'docs']);
    expect(ranked[0]).toMatchObject({ key: 'support', potentialPoints: 12 });
    expect(ranked[0]!.impactPoints).toBeCloseTo(-12.5, 9);
    expect(rankByImprovementPotential(dpc(0, 0, 0), [{ key: 'x', counts: dpc(0, 0, 0) }])).toEqual(
      [],
    );
  });
});
