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
