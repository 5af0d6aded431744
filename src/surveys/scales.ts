import type { SurveyKind } from '../../db/schema';

export const SCALES: Record<SurveyKind, { min: number; max: number }> = {
  nps: { min: 0, max: 10 },
  csat: { min: 1, max: 5 },
  ces: { min: 1, max: 7 },
};

export function scaleValues(kind: SurveyKind): number[] {
  const { min, max } = SCALES[kind];
  return Array.from({ length: max - min + 1 }, (_, i) => min + i);
}

export function isValidScore(kind: SurveyKind, score: number): boolean {
  const { min, max } = SCALES[kind];
  return Number.isInteger(score) && score >= min && score <= max;
}

/**
 * The one "low score" rule, used by follow-up cases and reports alike: the scores below the
 * scale's neutral point (NPS detractors 0–6, CSAT 1–2, CES 1–3 on its 1–7 scale).
 */
export const LOW_SCORE_MAX: Record<SurveyKind, number> = { nps: 6, csat: 2, ces: 3 };

export function isLowScore(kind: SurveyKind, score: number): boolean {
  return score <= LOW_SCORE_MAX[kind];
}
