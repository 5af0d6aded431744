import type { NpsCounts } from './nps';
import { npsPoints, npsTotal } from './nps';

/** Effect of one segment or theme on the overall NPS, in points. */
export interface NpsImpact {
  /** NPS of all responses; null when there are none. */
  readonly overallNpsPoints: number | null;
  /** NPS of all responses except the group's; null when the group is everyone. */
  readonly withoutGroupNpsPoints: number | null;
  /** overall − without group; negative means the group drags NPS down. Null when either is. */
  readonly impactPoints: number | null;
}

function assertGroupWithinAll(all: NpsCounts, group: NpsCounts): void {
  npsTotal(all);
  npsTotal(group);
  for (const key of ['promoters', 'passives', 'detractors'] as const) {
    if (group[key] > all[key]) {
      throw new RangeError(`group ${key} (${group[key]}) cannot exceed all ${key} (${all[key]})`);
    }
  }
}

/**
 * Impact of a theme or segment = NPS(all) − NPS(all excluding the group) (docs/statistics.md;
 * Thematic and Kapiche "impact"). `group` must be part of `all` (RangeError otherwise).
 */
export function npsImpact(all: NpsCounts, group: NpsCounts): NpsImpact {
  assertGroupWithinAll(all, group);
  const overallNpsPoints = npsPoints(all);
  const withoutGroupNpsPoints = npsPoints({
    promoters: all.promoters - group.promoters,
    passives: all.passives - group.passives,
    detractors: all.detractors - group.detractors,
  });
  return {
    overallNpsPoints,
    withoutGroupNpsPoints,
    impactPoints:
      overallNpsPoints === null || withoutGroupNpsPoints === null
        ? null
        : overallNpsPoints - withoutGroupNpsPoints,
  };
}

/** Exact rise in overall NPS, in points, if the group's answers moved up a category. */
export interface NpsWhatIf {
  /** The group's detractors became passives: +100·D_g/n. */
  readonly detractorsToPassivesPoints: number;
  /** The group's detractors became promoters: +200·D_g/n. */
  readonly detractorsToPromotersPoints: number;
  /** The group's passives became promoters: +100·P_g/n. */
  readonly passivesToPromotersPoints: number;
}

/**
 * What-if conversions (docs/statistics.md): overall NPS rises by D_g/n if a group's detractors
 * became passives and by 2·D_g/n if they became promoters (plus P_g/n for passives →
 * promoters, by the same arithmetic). Null when `all` has no responses.
 */
export function npsWhatIf(all: NpsCounts, group: NpsCounts): NpsWhatIf | null {
  assertGroupWithinAll(all, group);
  const n = npsTotal(all);
  if (n === 0) {
    return null;
  }
  return {
    detractorsToPassivesPoints: (100 * group.detractors) / n,
    detractorsToPromotersPoints: (200 * group.detractors) / n,
    passivesToPromotersPoints: (100 * group.passives) / n,
  };
}

/** A named segment or theme with its counts. */
export interface NpsGroup<K> {
  readonly key: K;
  readonly counts: NpsCounts;
}

/** A group ranked by improvement potential. */
export interface RankedNpsGroup<K> extends NpsGroup<K>, NpsImpact {
  /** 100·D_g/n: NPS points gained if the group's detractors became passives. */
  readonly potentialPoints: number;
}

/**
 * Ranks groups by improvement potential D_g/n, largest first (volume × severity), with the
 * §8.1 impact beside each (docs/statistics.md). Ties keep input order. Empty when `all` has
 * no responses.
 */
export function rankByImprovementPotential<K>(
  all: NpsCounts,
  groups: readonly NpsGroup<K>[],
): RankedNpsGroup<K>[] {
  return groups
    .flatMap((group) => {
      const whatIf = npsWhatIf(all, group.counts);
      return whatIf === null
        ? []
        : [
            {
              ...group,
              ...npsImpact(all, group.counts),
              potentialPoints: whatIf.detractorsToPassivesPoints,
            },
          ];
    })
    .sort((a, b) => b.potentialPoints - a.potentialPoints);
}
