import type { CsatCounts } from '../csat';
import { CSAT_SCALE, csatCountsFromScoreCounts, csatPercent } from '../csat';
import { npsImpact } from '../impact';
import { NPS_BREAKS, npsCountsFromScoreCounts, npsPoints } from '../nps';
import { countScores } from '../score-counts';
import type { ThemeSurveyKind } from './types';

/** Theme score counts always have one slot per score value 0…10. */
export const THEME_SCORE_SLOTS = NPS_BREAKS.scaleMax + 1;

/**
 * Per-score counts (index = score 0…10) of the given answers. Throws a RangeError for an answer
 * off the survey's scale (0–10 for NPS, 1–5 for CSAT) or not a whole number.
 */
export function themeScoreCounts(scores: readonly number[], kind: ThemeSurveyKind): number[] {
  const scale = kind === 'nps' ? { min: 0, max: NPS_BREAKS.scaleMax } : CSAT_SCALE;
  const counts = countScores(scores, scale);
  return [...counts, ...new Array<number>(THEME_SCORE_SLOTS - counts.length).fill(0)];
}

/** NPS points or CSAT percent of per-score counts; null when there are none. */
export function themeScore(scoreCounts: readonly number[], kind: ThemeSurveyKind): number | null {
  return kind === 'nps'
    ? npsPoints(npsCountsFromScoreCounts(scoreCounts))
    : csatPercent(csatCountsFromScoreCounts(scoreCounts));
}

/**
 * CSAT impact of a group, in percentage points: CSAT(all) − CSAT(all excluding the group), the
 * docs/statistics.md definition (Thematic, Kapiche) applied to the CSAT share. Null when all
 * answers are in the group or there are none.
 */
export function csatImpactPoints(all: CsatCounts, group: CsatCounts): number | null {
  const overall = csatPercent(all);
  const without = csatPercent({
    satisfied: all.satisfied - group.satisfied,
    total: all.total - group.total,
  });
  return overall === null || without === null ? null : overall - without;
}

/** Impact on the overall score per §8.1: `npsImpact` for NPS, {@link csatImpactPoints} for CSAT. */
export function themeImpact(
  allScoreCounts: readonly number[],
  groupScoreCounts: readonly number[],
  kind: ThemeSurveyKind,
): number | null {
  return kind === 'nps'
    ? npsImpact(
        npsCountsFromScoreCounts(allScoreCounts),
        npsCountsFromScoreCounts(groupScoreCounts),
      ).impactPoints
    : csatImpactPoints(
        csatCountsFromScoreCounts(allScoreCounts),
        csatCountsFromScoreCounts(groupScoreCounts),
      );
}
