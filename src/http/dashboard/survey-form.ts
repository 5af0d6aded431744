import type { Request } from 'express';
import type { SurveyKind } from '../../../db/schema';
import { LOCALES } from '../../surveys/i18n/types';
import type { Locale } from '../../surveys/i18n/types';
import type { Question } from '../../surveys/questions';
import type { SurveyDto } from '../../surveys/survey.schemas';
import { WEEKDAYS } from '../../surveys/send-window';
import { formList, formOf, intField, numField, textField } from './kit';
import { questionFormValues, questionsFromForm } from './question-form';

export const TEXT_FIELDS = [
  { key: 'question', label: 'Question', rows: 2 },
  { key: 'followUp', label: 'Follow-up question (comment box)', rows: 2 },
  { key: 'emailSubject', label: 'Email subject', rows: 1 },
  { key: 'emailIntro', label: 'Email introduction', rows: 3 },
  { key: 'thankYouTitle', label: 'Thank-you title', rows: 1 },
  { key: 'thankYouBody', label: 'Thank-you text', rows: 3 },
] as const;

export const LOCALE_NAMES: Record<Locale, string> = {
  en: 'English',
  hr: 'Croatian (hrvatski)',
  'sr-Latn': 'Serbian, Latin (srpski)',
  'sr-Cyrl': 'Serbian, Cyrillic (српски)',
  vi: 'Vietnamese (Tiếng Việt)',
};

/** What the form shows: strings exactly as typed, so a failed save loses nothing. */
export type SurveyFormValues = Record<string, string> & { days?: string[] };

export function formValuesFromSurvey(s: SurveyDto): {
  values: Record<string, string>;
  days: string[];
} {
  const values: Record<string, string> = {
    kind: s.kind,
    name: s.name,
    'trigger.eventType': s.trigger.eventType,
    'trigger.delayMinutes': String(s.trigger.delaySeconds / 60),
    'trigger.samplingPercent': String(Math.round(s.trigger.samplingRate * 1000) / 10),
    'trigger.quietPeriodDays':
      s.trigger.quietPeriodDays === null ? '' : String(s.trigger.quietPeriodDays),
    'trigger.sendWindow.start': s.trigger.sendWindow?.start ?? '',
    'trigger.sendWindow.end': s.trigger.sendWindow?.end ?? '',
    segmentProperties: s.segmentProperties.join(', '),
    expiresAfterDays: String(s.expiresAfterDays),
    reminderAfterDays: s.reminderAfterDays === null ? '' : String(s.reminderAfterDays),
    ...questionFormValues(s.questions),
  };
  for (const locale of LOCALES) {
    const t = (s.texts[locale] ?? {}) as Record<string, string | undefined>;
    for (const f of TEXT_FIELDS) {
      values[`texts.${locale}.${f.key}`] = t[f.key] ?? '';
    }
  }
  return { values, days: s.trigger.sendWindow?.days ?? [] };
}

export const EMPTY_FORM = {
  values: {
    kind: 'nps',
    'trigger.delayMinutes': '0',
    'trigger.samplingPercent': '100',
    expiresAfterDays: '30',
  } as Record<string, string>,
  days: [] as string[],
};

/** Texts typed for each language; blank fields fall back to the catalog, blank languages are left out. */
export function textsFromForm(form: Record<string, string>) {
  const texts: Record<string, Record<string, string>> = {};
  for (const locale of LOCALES) {
    for (const f of TEXT_FIELDS) {
      const v = textField(form[`texts.${locale}.${f.key}`]);
      if (v !== undefined) {
        (texts[locale] ??= {})[f.key] = v;
      }
    }
  }
  return texts;
}

/**
 * The form as the JSON API's create body; the API's own schema then validates it. `previous`
 * (the survey's questions) lets options keep their ids; `rows` maps questions to form rows.
 */
export function surveyBodyFromForm(req: Request, previous: Question[] = []) {
  const form = formOf(req);
  const days = formList(req, 'trigger.sendWindow.days');
  const start = textField(form['trigger.sendWindow.start']);
  const end = textField(form['trigger.sendWindow.end']);
  const delayMinutes = numField(form['trigger.delayMinutes']);
  const samplingPercent = numField(form['trigger.samplingPercent']);
  const quiet = intField(form['trigger.quietPeriodDays']);
  const reminder = intField(form.reminderAfterDays);
  const { questions, rows } = questionsFromForm(form, previous);
  const body = {
    kind: form.kind as SurveyKind,
    name: form.name ?? '',
    trigger: {
      eventType: form['trigger.eventType'] ?? '',
      delaySeconds: delayMinutes === undefined ? 0 : Math.round(delayMinutes * 60),
      samplingRate: samplingPercent === undefined ? 1 : samplingPercent / 100,
      quietPeriodDays: quiet ?? null,
      sendWindow:
        days.length || start || end
          ? { days: days.length ? days : [], start: start ?? '', end: end ?? '' }
          : null,
    },
    texts: textsFromForm(form),
    segmentProperties: (form.segmentProperties ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    expiresAfterDays: intField(form.expiresAfterDays) ?? 30,
    reminderAfterDays: reminder ?? null,
    questions,
  };
  return { body, values: form, days, rows };
}

/** API paths → the inputs that show them. */
export const SURVEY_FIELD_ALIAS: Record<string, string> = {
  'trigger.delaySeconds': 'trigger.delayMinutes',
  'trigger.samplingRate': 'trigger.samplingPercent',
  trigger: 'trigger.eventType',
  'trigger.sendWindow': 'trigger.sendWindow.days',
};

/** Collapses array indexes (`segmentProperties.2`, `trigger.sendWindow.days.0`) onto their input. */
export function surveyAlias(errors: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, issue] of Object.entries(errors)) {
    const base = field.replace(/\.\d+$/, '');
    const name = SURVEY_FIELD_ALIAS[base] ?? base;
    out[name] ??= issue;
  }
  return out;
}

export const WEEKDAY_OPTIONS = WEEKDAYS.map((d) => ({ value: d, label: d }));
