import type { JsonObject, SurveyKind } from '../../db/schema';
import { format, messagesFor } from './i18n';
import { scaleValues } from './scales';
import type { Locale, Messages } from './i18n/types';
import type { SurveyTexts } from './survey.schemas';

/** The texts one contact sees: the survey's override for their locale, else the catalog's. */
export interface ResolvedTexts {
  messages: Messages;
  question: string;
  followUp: string;
  emailSubject: string;
  emailIntro: string;
  thankYouTitle: string;
  thankYouBody: string;
}

export function resolveTexts(
  kind: SurveyKind,
  surveyTexts: JsonObject,
  locale: Locale,
  company: string,
): ResolvedTexts {
  const messages = messagesFor(locale);
  const override = (surveyTexts[locale] ?? {}) as SurveyTexts;
  const vars = { company };
  return {
    messages,
    question: format(override.question ?? messages.question[kind], vars),
    followUp: format(override.followUp ?? messages.followUp[kind], vars),
    emailSubject: format(override.emailSubject ?? messages.emailSubject[kind], vars),
    emailIntro: format(override.emailIntro ?? messages.emailIntro, vars),
    thankYouTitle: format(override.thankYouTitle ?? messages.thankYouTitle, vars),
    thankYouBody: format(override.thankYouBody ?? messages.thankYouBody, vars),
  };
}

/**
 * Text name of one score value: CSAT and CES have worded points ("4 – Satisfied"), stars,
 * smileys, thumbs and PMF their own names ("4 stars – very good", "Thumbs up"), NPS and eNPS
 * show the number.
 */
export function scoreLabel(kind: SurveyKind, messages: Messages, score: number): string {
  const l = messages.scoreLabels;
  switch (kind) {
    case 'csat':
      return `${score} – ${l.csat[score - 1] ?? ''}`;
    case 'ces':
      return `${score} – ${l.ces[score - 1] ?? ''}`;
    case 'stars':
      return l.stars[score - 1] ?? String(score);
    case 'smileys':
      return l.smileys[score - 1] ?? String(score);
    case 'thumbs':
      return l.thumbs[score] ?? String(score);
    case 'pmf':
      return l.pmf[score - 1] ?? String(score);
    case 'nps':
    case 'enps':
      return String(score);
  }
}

// NOTE: faces from the first emoji set (Unicode 6.0/6.1), which the most fonts carry.
const FACES = ['\u{1F61E}', '\u{1F61F}', '\u{1F610}', '\u{1F60A}', '\u{1F600}'];

/**
 * What a button or option shows besides its text name: stars, a face or a thumb (hidden from
 * screen readers, which read the name). Null for kinds that show their number or words only.
 */
export function scoreGlyph(kind: SurveyKind, score: number): string | null {
  switch (kind) {
    case 'stars':
      return '\u2605'.repeat(score) + '\u2606'.repeat(5 - score);
    case 'smileys':
      return FACES[score - 1] ?? null;
    case 'thumbs':
      return score === 1 ? '\u{1F44D}' : '\u{1F44E}';
    case 'nps':
    case 'enps':
    case 'csat':
    case 'ces':
    case 'pmf':
      return null;
  }
}

/** How the answers are laid out: numbers in a row, faces or thumbs in a row, or a list of words. */
export type ScoreLayout = 'row' | 'faces' | 'list';

export function scoreLayout(kind: SurveyKind): ScoreLayout {
  return kind === 'smileys' || kind === 'thumbs'
    ? 'faces'
    : kind === 'stars' || kind === 'pmf'
      ? 'list'
      : 'row';
}

export interface ScoreOption {
  value: number;
  /** Text name (the accessible name of the button or radio). */
  label: string;
  glyph: string | null;
  /** The page draws thumbs as SVG, so they show even where no emoji font is installed. */
  icon: 'thumb-up' | 'thumb-down' | null;
}

/**
 * The answers of a kind as buttons or radios show them. A list (stars, PMF) reads best first,
 * as PMF surveys are asked ("very disappointed" on top); rows go lowest first.
 */
export function scoreOptions(kind: SurveyKind, messages: Messages): ScoreOption[] {
  const options = scaleValues(kind).map((value) => ({
    value,
    label: scoreLabel(kind, messages, value),
    glyph: scoreGlyph(kind, value),
    icon:
      kind === 'thumbs' ? (value === 1 ? ('thumb-up' as const) : ('thumb-down' as const)) : null,
  }));
  return scoreLayout(kind) === 'list' ? options.reverse() : options;
}

/**
 * A stored answer as staff read it (dashboard, alerts, evidence): the number, and for the kinds
 * whose numbers say little alone (stars, smileys, thumbs, PMF) its English name: "0 · Thumbs down".
 */
export function answerText(kind: SurveyKind, score: number): string {
  return kind === 'stars' || kind === 'smileys' || kind === 'thumbs' || kind === 'pmf'
    ? `${score} · ${scoreLabel(kind, messagesFor('en'), score)}`
    : String(score);
}
