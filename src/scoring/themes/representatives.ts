import type { ThemeSurveyKind } from './types';

/** What representative selection needs to know about a comment. */
export interface RepresentativeCandidate {
  readonly id: string;
  /** Lower-cased text, as terms were extracted from. */
  readonly lowered: string;
  readonly score: number;
}

const SHORT = 20;
const LONG = 280;

/** Detractor/passive/promoter for NPS; 1–2 / 3 / 4–5 for CSAT. */
function scoreBand(score: number, kind: ThemeSurveyKind): number {
  if (kind === 'nps') {
    return score <= 6 ? 0 : score <= 8 ? 1 : 2;
  }
  return score <= 2 ? 0 : score === 3 ? 1 : 2;
}

/** 0 for comments of a readable length, 1 for very short ones, 2 for very long ones. */
function lengthPenalty(text: string): number {
  return text.length > LONG ? 2 : text.length < SHORT ? 1 : 0;
}

/**
 * Picks up to `max` typical comments: those containing the theme's surface form first, then a
 * readable length (very long last), shorter, then id; taken round-robin across score bands,
 * largest band first, so the picks show the spread of scores.
 */
export function pickRepresentatives(
  candidates: readonly RepresentativeCandidate[],
  surface: string,
  kind: ThemeSurveyKind,
  max: number,
): string[] {
  const rank = (c: RepresentativeCandidate): [number, number, number] => [
    c.lowered.includes(surface) ? 0 : 1,
    lengthPenalty(c.lowered),
    c.lowered.length,
  ];
  const sorted = [...candidates].sort((a, b) => {
    const [ra, rb] = [rank(a), rank(b)];
    return ra[0] - rb[0] || ra[1] - rb[1] || ra[2] - rb[2] || (a.id < b.id ? -1 : 1);
  });
  const bands: RepresentativeCandidate[][] = [[], [], []];
  for (const c of sorted) {
    bands[scoreBand(c.score, kind)]?.push(c);
  }
  const queue = bands
    .map((list, band) => ({ list, band }))
    .filter((b) => b.list.length > 0)
    .sort((a, b) => b.list.length - a.list.length || a.band - b.band);
  const picked: string[] = [];
  for (let round = 0; picked.length < max && queue.some((b) => b.list.length > round); round++) {
    for (const { list } of queue) {
      const c = list[round];
      if (c !== undefined && picked.length < max) {
        picked.push(c.id);
      }
    }
  }
  return picked;
}
