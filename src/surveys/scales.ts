import type { SurveyKind } from '../../db/schema';

/**
 * How a kind's answers become its headline figure:
 * - `nps`: promoters − detractors on 0–10, adjusted Wald interval;
 * - `share`: the share of positive answers, Wilson interval (CSAT, thumbs, PMF);
 * - `mean`: the mean answer with its t interval, plus the share of top answers with Wilson
 *   (CES, stars, smileys).
 */
export type ScoreFamily = 'nps' | 'share' | 'mean';

export interface KindSpec {
  min: number;
  max: number;
  family: ScoreFamily;
  /** Lowest answer counted as positive: promoter, satisfied, top box, thumbs up, very disappointed. */
  positiveMin: number;
  /** The "low score" rule used by follow-up cases and reports: answers at or below this. */
  lowMax: number;
  /** A fixed line the share is read against (PMF's 40 % "very disappointed"). */
  benchmarkPercent?: number;
}

/**
 * Every kind's scale. Thumbs are stored 0 = down, 1 = up; PMF 1 = not, 2 = somewhat,
 * 3 = very disappointed, so that a higher answer is always the better one.
 */
export const KINDS: Record<SurveyKind, KindSpec> = {
  nps: { min: 0, max: 10, family: 'nps', positiveMin: 9, lowMax: 6 },
  enps: { min: 0, max: 10, family: 'nps', positiveMin: 9, lowMax: 6 },
  csat: { min: 1, max: 5, family: 'share', positiveMin: 4, lowMax: 2 },
  ces: { min: 1, max: 7, family: 'mean', positiveMin: 5, lowMax: 3 },
  stars: { min: 1, max: 5, family: 'mean', positiveMin: 4, lowMax: 2 },
  smileys: { min: 1, max: 5, family: 'mean', positiveMin: 4, lowMax: 2 },
  thumbs: { min: 0, max: 1, family: 'share', positiveMin: 1, lowMax: 0 },
  pmf: { min: 1, max: 3, family: 'share', positiveMin: 3, lowMax: 1, benchmarkPercent: 40 },
};

export const SCALES: Record<SurveyKind, { min: number; max: number }> = KINDS;

export function familyOf(kind: SurveyKind): ScoreFamily {
  return KINDS[kind].family;
}

export function scaleValues(kind: SurveyKind): number[] {
  const { min, max } = SCALES[kind];
  return Array.from({ length: max - min + 1 }, (_, i) => min + i);
}

/** What a valid score is, for error messages: "a whole number from 1 to 5", "0 (down) or 1 (up)". */
export function scaleHint(kind: SurveyKind): string {
  if (kind === 'thumbs') {
    return '0 (thumbs down) or 1 (thumbs up)';
  }
  if (kind === 'pmf') {
    return '1 (not), 2 (somewhat) or 3 (very disappointed)';
  }
  return `a whole number from ${SCALES[kind].min} to ${SCALES[kind].max}`;
}

export function isValidScore(kind: SurveyKind, score: number): boolean {
  const { min, max } = SCALES[kind];
  return Number.isInteger(score) && score >= min && score <= max;
}

/**
 * The one "low score" rule, used by follow-up cases and reports alike: the scores below the
 * scale's neutral point (NPS and eNPS detractors 0–6, CSAT, stars and smileys 1–2, CES 1–3 on
 * its 1–7 scale, thumbs down, PMF "not disappointed").
 */
export const LOW_SCORE_MAX: Record<SurveyKind, number> = Object.fromEntries(
  Object.entries(KINDS).map(([k, v]) => [k, v.lowMax]),
) as Record<SurveyKind, number>;

/**
 * The resurvey answer at which a follow-up case counts as recovered: NPS and eNPS passive or
 * better, the others back at a positive answer (PMF: no longer "not disappointed").
 */
export const RECOVERED_MIN: Record<SurveyKind, number> = {
  nps: 7,
  enps: 7,
  csat: 4,
  ces: 5,
  stars: 4,
  smileys: 4,
  thumbs: 1,
  pmf: 2,
};

export function isLowScore(kind: SurveyKind, score: number): boolean {
  return score <= LOW_SCORE_MAX[kind];
}

export interface KindDisplay {
  /** Short name of the figure: "NPS", "Stars". */
  name: string;
  /** Axis of the headline figure on charts. */
  axis: { min: number; max: number };
  unit: string;
  digits: number;
  /** How a change reads after its size, for kinds whose change is not in the headline's units. */
  changeMeasure: string;
}

export const KIND_DISPLAY: Record<SurveyKind, KindDisplay> = {
  nps: { name: 'NPS', axis: { min: -100, max: 100 }, unit: 'points', digits: 1, changeMeasure: '' },
  enps: {
    name: 'eNPS',
    axis: { min: -100, max: 100 },
    unit: 'points',
    digits: 1,
    changeMeasure: '',
  },
  csat: { name: 'CSAT', axis: { min: 0, max: 100 }, unit: '%', digits: 1, changeMeasure: '' },
  ces: {
    name: 'CES',
    axis: { min: 1, max: 7 },
    unit: 'mean 1–7',
    digits: 2,
    changeMeasure: ' in the share agreeing',
  },
  stars: {
    name: 'Stars',
    axis: { min: 1, max: 5 },
    unit: 'mean 1–5',
    digits: 2,
    changeMeasure: ' in the share of 4–5 stars',
  },
  smileys: {
    name: 'Smileys',
    axis: { min: 1, max: 5 },
    unit: 'mean 1–5',
    digits: 2,
    changeMeasure: ' in the share of happy faces (4–5)',
  },
  thumbs: {
    name: 'Thumbs up',
    axis: { min: 0, max: 100 },
    unit: '%',
    digits: 1,
    changeMeasure: '',
  },
  pmf: {
    name: 'PMF (very disappointed)',
    axis: { min: 0, max: 100 },
    unit: '%',
    digits: 1,
    changeMeasure: '',
  },
};
