import type { JsonObject, SurveyKind } from '../../db/schema';
import { format, messagesFor } from './i18n';
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

/** Label for one score value: CSAT and CES have worded points, NPS shows the number. */
export function scoreLabel(kind: SurveyKind, messages: Messages, score: number): string {
  if (kind === 'csat') {
    return `${score} – ${messages.scoreLabels.csat[score - 1] ?? ''}`;
  }
  if (kind === 'ces') {
    return `${score} – ${messages.scoreLabels.ces[score - 1] ?? ''}`;
  }
  return String(score);
}
