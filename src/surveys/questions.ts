import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { LOCALES } from './i18n/types';
import type { Locale } from './i18n/types';

/**
 * Additional questions after the score (issue 15): up to ten, each optional, each with an
 * optional condition on the score. Every question carries a version that rises when what a
 * person sees changes (type, text, options, limits, condition); answers keep a snapshot of the
 * question at the version they were given with, so edits never rewrite past answers.
 */

export const QUESTION_TYPES = [
  'single_choice',
  'multiple_choice',
  'scale_5',
  'scale_10',
  'free_text',
] as const;
export type QuestionType = (typeof QUESTION_TYPES)[number];

export const MAX_QUESTIONS = 10;
export const MAX_OPTIONS = 10;
export const FREE_TEXT_MAX = 2000;

const idSchema = z
  .string()
  .min(1)
  .max(40)
  .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only');

const questionText = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((s) => !s.includes('\0'), 'must not contain NUL');

const conditionSchema = z
  .strictObject({
    minScore: z.number().int().min(0).max(10).optional(),
    maxScore: z.number().int().min(0).max(10).optional(),
  })
  .refine((c) => c.minScore !== undefined || c.maxScore !== undefined, 'name minScore or maxScore')
  .refine((c) => (c.minScore ?? 0) <= (c.maxScore ?? 10), {
    path: ['maxScore'],
    message: 'must not be below minScore',
  })
  .describe('shown only when the score is within [minScore, maxScore] (inclusive)');
export type QuestionCondition = z.infer<typeof conditionSchema>;

const translationSchema = z.strictObject({
  text: questionText(500).optional(),
  options: z
    .record(idSchema, questionText(200))
    .optional()
    .describe('option id → its text in this language'),
});

const translationsSchema = z
  .partialRecord(z.enum(LOCALES), translationSchema)
  .describe("per language; what a language leaves out shows the question's own text");
export type QuestionTranslations = z.infer<typeof translationsSchema>;

type OptionInput = { id?: string | undefined; text: string };

/** Option ids as stored: a missing id is its position (`"1"`, `"2"`…), unless that id is taken. */
function optionIds(options: OptionInput[]): string[] {
  const taken = new Set(options.flatMap((o) => (o.id ? [o.id] : [])));
  let next = 1;
  return options.map((o, i) => {
    if (o.id) {
      return o.id;
    }
    let id = String(i + 1);
    while (taken.has(id)) {
      id = String(next++);
    }
    taken.add(id);
    return id;
  });
}

export const questionInputSchema = z
  .strictObject({
    id: idSchema.optional().describe('keep it to edit a question; omitted, a new one is made'),
    type: z.enum(QUESTION_TYPES),
    text: questionText(500),
    options: z
      .array(z.strictObject({ id: idSchema.optional(), text: questionText(200) }))
      .min(2)
      .max(MAX_OPTIONS)
      .optional()
      .describe('single_choice and multiple_choice only'),
    maxChoices: z
      .number()
      .int()
      .min(1)
      .max(MAX_OPTIONS)
      .optional()
      .describe('multiple_choice only; defaults to the number of options'),
    condition: conditionSchema.nullable().optional(),
    translations: translationsSchema.optional(),
  })
  .superRefine((q, ctx) => {
    const choice = q.type === 'single_choice' || q.type === 'multiple_choice';
    if (choice && !q.options) {
      ctx.addIssue({ code: 'custom', path: ['options'], message: 'required for choices' });
    }
    if (!choice && q.options) {
      ctx.addIssue({ code: 'custom', path: ['options'], message: `not allowed for ${q.type}` });
    }
    if (q.maxChoices !== undefined && q.type !== 'multiple_choice') {
      ctx.addIssue({ code: 'custom', path: ['maxChoices'], message: 'multiple_choice only' });
    }
    if (q.options && q.maxChoices !== undefined && q.maxChoices > q.options.length) {
      ctx.addIssue({ code: 'custom', path: ['maxChoices'], message: 'more than the options' });
    }
    const ids = (q.options ?? []).flatMap((o) => (o.id ? [o.id] : []));
    if (new Set(ids).size !== ids.length) {
      ctx.addIssue({ code: 'custom', path: ['options'], message: 'option ids must be unique' });
    }
    const known = new Set(optionIds(q.options ?? []));
    for (const [locale, t] of Object.entries(q.translations ?? {})) {
      for (const id of Object.keys(t?.options ?? {})) {
        if (!known.has(id)) {
          ctx.addIssue({
            code: 'custom',
            path: ['translations', locale, 'options', id],
            message: 'no such option',
          });
        }
      }
    }
  });
export type QuestionInput = z.infer<typeof questionInputSchema>;

export const questionsInputSchema = z
  .array(questionInputSchema)
  .max(MAX_QUESTIONS)
  .refine(
    (qs) => {
      const ids = qs.flatMap((q) => (q.id ? [q.id] : []));
      return new Set(ids).size === ids.length;
    },
    { message: 'question ids must be unique' },
  );

export const questionDtoSchema = z.object({
  id: z.string(),
  version: z.number().int(),
  type: z.enum(QUESTION_TYPES),
  text: z.string(),
  options: z.array(z.object({ id: z.string(), text: z.string() })).optional(),
  maxChoices: z.number().int().optional(),
  condition: z
    .object({ minScore: z.number().int().optional(), maxScore: z.number().int().optional() })
    .nullable(),
  translations: z
    .partialRecord(
      z.enum(LOCALES),
      z.object({
        text: z.string().optional(),
        options: z.record(z.string(), z.string()).optional(),
      }),
    )
    .optional(),
});
export type Question = z.infer<typeof questionDtoSchema>;

/** The stored questions (a jsonb array written only by `versionQuestions`). */
export function storedQuestions(raw: unknown): Question[] {
  return Array.isArray(raw) ? (raw as Question[]) : [];
}

const newId = () => `q_${randomBytes(5).toString('hex')}`;

/**
 * What a person sees of a question: a change here is a new version (a translation too). Objects
 * come back from jsonb with their keys reordered, so they are compared in a fixed order.
 */
function shape(q: Omit<Question, 'id' | 'version'>): string {
  const translations = storedTranslations(q.translations, q.options);
  return JSON.stringify([
    q.type,
    q.text,
    q.options?.map((o) => [o.id, o.text]) ?? null,
    q.maxChoices ?? null,
    q.condition ? [q.condition.minScore ?? null, q.condition.maxScore ?? null] : null,
    ...(translations ? [translations] : []),
  ]);
}

/**
 * The translations as stored: languages in `LOCALES` order, option texts in option order,
 * only options that exist, empty languages left out; none at all is undefined.
 */
function storedTranslations(
  input: QuestionTranslations | undefined,
  options: { id: string }[] | undefined,
): Question['translations'] {
  const out: NonNullable<Question['translations']> = {};
  for (const locale of LOCALES) {
    const t = input?.[locale];
    const texts = (options ?? []).flatMap((o) => {
      const text = t?.options?.[o.id];
      return text === undefined ? [] : [[o.id, text] as const];
    });
    if (t?.text !== undefined || texts.length) {
      out[locale] = {
        ...(t?.text !== undefined ? { text: t.text } : {}),
        ...(texts.length ? { options: Object.fromEntries(texts) } : {}),
      };
    }
  }
  return Object.keys(out).length ? out : undefined;
}

/**
 * The new question list from an edit: a question keeps its id, and its version unless what a
 * person sees changed; an unknown or missing id is a new question at version 1.
 */
export function versionQuestions(input: QuestionInput[], previous: Question[]): Question[] {
  const before = new Map(previous.map((q) => [q.id, q]));
  return input.map((q) => {
    const ids = optionIds(q.options ?? []);
    const options = q.options?.map((o, i) => ({ id: ids[i] as string, text: o.text }));
    const translations = storedTranslations(q.translations, options);
    const next: Omit<Question, 'id' | 'version'> = {
      type: q.type,
      text: q.text,
      ...(options ? { options } : {}),
      ...(q.type === 'multiple_choice' ? { maxChoices: q.maxChoices ?? options?.length ?? 1 } : {}),
      condition: q.condition ?? null,
      ...(translations ? { translations } : {}),
    };
    const old = q.id ? before.get(q.id) : undefined;
    const version = !old ? 1 : shape(old) === shape(next) ? old.version : old.version + 1;
    return { id: q.id ?? newId(), version, ...next };
  });
}

/**
 * The question as a person in `locale` sees it: its text and option texts in that language
 * where the survey gives them, else its own; answers parsed from it keep that text.
 */
export function localizeQuestion(q: Question, locale: Locale): Question {
  const { translations, ...rest } = q;
  const t = translations?.[locale];
  if (!t) {
    return rest;
  }
  return {
    ...rest,
    text: t.text ?? q.text,
    ...(q.options
      ? { options: q.options.map((o) => ({ id: o.id, text: t.options?.[o.id] ?? o.text })) }
      : {}),
  };
}

export function isShown(q: Question, score: number): boolean {
  const c = q.condition;
  return !c || (score >= (c.minScore ?? 0) && score <= (c.maxScore ?? 10));
}

/** An answer as stored and shown: an option id, option ids, a number or a text, by type. */
export type AnswerValue = string | string[] | number;

export interface StoredAnswer {
  questionId: string;
  questionVersion: number;
  question: { type: QuestionType; text: string; options?: { id: string; text: string }[] };
  value: AnswerValue;
}

export type AnswerIssue =
  | { kind: 'notAnOption' }
  | { kind: 'tooManyChoices'; max: number }
  | { kind: 'hidden' }
  | { kind: 'outOfScale' }
  | { kind: 'tooLong'; max: number };

export class AnswerError extends Error {
  override name = 'AnswerError';
  constructor(
    readonly question: Question,
    readonly issue: AnswerIssue,
  ) {
    super(`answers.${question.id}: ${issue.kind}`);
  }
}

const asList = (raw: unknown): string[] =>
  (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw])
    .filter((v): v is string => typeof v === 'string')
    .map((v) => v.trim())
    .filter(Boolean);

/**
 * Parses the answers to the additional questions (raw form or JSON values keyed by question
 * id) for this score. Blank answers are skipped (every question is optional); the first bad
 * answer throws an AnswerError naming its question, so nothing is stored half.
 */
export function parseAnswers(
  questions: Question[],
  score: number,
  raw: Record<string, unknown>,
): StoredAnswer[] {
  const out: StoredAnswer[] = [];
  for (const q of questions) {
    const given = raw[q.id];
    const values = typeof given === 'number' ? [String(given)] : asList(given);
    if (values.length === 0) {
      continue;
    }
    const fail = (issue: AnswerIssue): never => {
      throw new AnswerError(q, issue);
    };
    if (!isShown(q, score)) {
      fail({ kind: 'hidden' });
    }
    let value: AnswerValue;
    switch (q.type) {
      case 'single_choice':
      case 'multiple_choice': {
        const ids = new Set((q.options ?? []).map((o) => o.id));
        const picked = [...new Set(values)];
        if (picked.some((v) => !ids.has(v))) {
          fail({ kind: 'notAnOption' });
        }
        const max = q.type === 'single_choice' ? 1 : (q.maxChoices ?? ids.size);
        if (picked.length > max) {
          fail({ kind: 'tooManyChoices', max });
        }
        value = q.type === 'single_choice' ? (picked[0] as string) : picked;
        break;
      }
      case 'scale_5':
      case 'scale_10': {
        const [min, max] = q.type === 'scale_5' ? [1, 5] : [0, 10];
        const n =
          values.length === 1 && /^\d{1,2}$/.test(values[0] ?? '') ? Number(values[0]) : NaN;
        if (!(n >= min && n <= max)) {
          fail({ kind: 'outOfScale' });
        }
        value = n;
        break;
      }
      case 'free_text': {
        const text = values.join('\n');
        if (text.length > FREE_TEXT_MAX || text.includes('\0')) {
          fail({ kind: 'tooLong', max: FREE_TEXT_MAX });
        }
        value = text;
        break;
      }
    }
    out.push({
      questionId: q.id,
      questionVersion: q.version,
      question: { type: q.type, text: q.text, ...(q.options ? { options: q.options } : {}) },
      value,
    });
  }
  return out;
}

/** The answer with its options' texts, as the API, CSV, webhooks and reports show it. */
export interface AnswerDto {
  questionId: string;
  questionVersion: number;
  type: QuestionType;
  question: string;
  value: string | number | { id: string; text: string } | { id: string; text: string }[];
}

export function toAnswerDto(a: StoredAnswer): AnswerDto {
  const option = (id: string) => ({
    id,
    text: a.question.options?.find((o) => o.id === id)?.text ?? id,
  });
  const v = a.value;
  return {
    questionId: a.questionId,
    questionVersion: a.questionVersion,
    type: a.question.type,
    question: a.question.text,
    value:
      a.question.type === 'single_choice'
        ? option(String(v))
        : a.question.type === 'multiple_choice'
          ? (Array.isArray(v) ? v : [String(v)]).map(option)
          : v,
  } as AnswerDto;
}

/** The answer as one text (CSV cells, chat): option texts joined by "; ". */
export function answerText(a: AnswerDto): string {
  const v = a.value;
  if (Array.isArray(v)) {
    return v.map((o) => o.text).join('; ');
  }
  return typeof v === 'object' ? v.text : String(v);
}

/**
 * The answers as Delighted's `additional_answers` (../shared/DELIGHTED_API.md): the value under
 * the key of its type (`free_response`, `scale`, `select_one`, `select_many`), the others null.
 */
export function toDelightedAnswers(responseId: string, answers: StoredAnswer[] | null | undefined) {
  return (answers ?? []).map((a) => {
    const dto = toAnswerDto(a);
    const type =
      a.question.type === 'free_text'
        ? 'free_response'
        : a.question.type === 'single_choice'
          ? 'select_one'
          : a.question.type === 'multiple_choice'
            ? 'select_many'
            : 'scale';
    return {
      id: `${responseId}:${a.questionId}`,
      value: {
        free_response: type === 'free_response' ? dto.value : null,
        scale: type === 'scale' ? dto.value : null,
        select_one: type === 'select_one' ? dto.value : null,
        select_many: type === 'select_many' ? dto.value : null,
      },
      question: { id: a.questionId, type, text: a.question.text },
    };
  });
}
