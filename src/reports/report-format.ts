import type { SurveyKind } from '../../db/schema';
import type { Cell } from '../analytics/metrics.schemas';
import { familyOf, KIND_DISPLAY } from '../surveys/scales';

export const MIN_RESPONSES = 30;

/** The score as people read it: NPS "+32.4", CSAT "84.1 %", CES "5.42", stars "4.21". */
export function formatScore(kind: SurveyKind, score: number | null): string {
  if (score === null) {
    return '–';
  }
  const display = KIND_DISPLAY[kind];
  if (familyOf(kind) === 'nps') {
    return `${score > 0 ? '+' : score < 0 ? '−' : ''}${Math.abs(score).toFixed(1)}`;
  }
  return display.unit === '%'
    ? `${score.toFixed(display.digits)} %`
    : score.toFixed(display.digits);
}

export function unitOf(kind: SurveyKind): string {
  return familyOf(kind) === 'nps' ? 'points' : 'percentage points';
}

export function scoreName(kind: SurveyKind): string {
  return KIND_DISPLAY[kind].name;
}

/** "± 4.1" from an interval, in display bounds. */
export function formatMargin(kind: SurveyKind, cell: Cell): string {
  if (!cell.interval || cell.score === null) {
    return '';
  }
  const half = (cell.interval.upper - cell.interval.lower) / 2;
  return `± ${half.toFixed(KIND_DISPLAY[kind].digits)}`;
}

export function formatP(p: number | null): string {
  if (p === null) {
    return '';
  }
  return p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(3)}`;
}

/** A change stated in words, honest about significance and small samples (docs/statistics.md). */
export function changeInWords(
  kind: SurveyKind,
  cell: Cell,
  change: Cell['change'] | undefined,
  label: string,
): string {
  if (!change || change.difference === null || cell.score === null) {
    return `no responses to compare with ${label}`;
  }
  const d = change.difference;
  const measure = KIND_DISPLAY[kind].changeMeasure;
  const size = `${Math.abs(d).toFixed(1)} ${unitOf(kind)}${measure}`;
  const direction = d > 0 ? `up ${size}` : d < 0 ? `down ${size}` : 'unchanged';
  if (cell.n < MIN_RESPONSES || change.previousN < MIN_RESPONSES) {
    return `${direction} vs ${label} — not enough responses to tell`;
  }
  return change.significant
    ? `${direction} vs ${label} — a significant change (${formatP(change.pValue)})`
    : `${direction} vs ${label} — not a significant change (${formatP(change.pValue)})`;
}

export function percent(rate: number | null): string {
  return rate === null ? '–' : `${(rate * 100).toFixed(1)} %`;
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

const pct = (x: number) => `${x.toFixed(1)} %`;

/**
 * The second figure of a cell, in words: the top-box share of a mean kind (CES agree, stars
 * and smileys 4–5) with its Wilson interval, or PMF's share read against its 40 % line.
 */
export function secondFigure(kind: SurveyKind, cell: Cell): string | null {
  if (cell.share && cell.share.percent !== null) {
    const i = cell.share.interval;
    const top =
      kind === 'ces' ? 'agreeing (5–7)' : `of ${cell.share.from}–${KIND_DISPLAY[kind].axis.max}`;
    const range = i ? ` (${pct(i.displayLower)} to ${pct(i.displayUpper)})` : '';
    return `Share ${top}: ${pct(cell.share.percent)}${range}`;
  }
  if (cell.benchmark && cell.benchmark.verdict) {
    const words = {
      above: 'the whole interval is above it',
      below: 'the whole interval is below it',
      unclear: 'the interval crosses it, not yet clear',
    };
    return `Against the ${cell.benchmark.percent} % line: ${words[cell.benchmark.verdict]}`;
  }
  return null;
}
