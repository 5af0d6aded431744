import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database, Survey } from '../../db/schema';
import { meanTInterval, wilsonInterval } from '../scoring/intervals';
import type { Interval } from '../scoring/intervals';
import { requireSurvey } from '../surveys/survey.service';
import { QUESTION_TYPES, storedQuestions } from '../surveys/questions';
import type { Question, QuestionCondition, QuestionType } from '../surveys/questions';
import { aggregateAnswers } from './answer.repository';
import type { AnswerAggregate } from './answer.repository';

/**
 * The additional questions' figures for a survey: per option (and per scale value) the count
 * and its share of the responses that answered the question, with a 95 % Wilson interval
 * (docs/statistics.md §7.1); for scales also the mean with its t interval (§7.2). Only
 * answers of responses that count (counted, not flagged) are read, and they are counted in SQL
 * (answer.repository.ts); the API and the reports share these figures.
 */

const isoDate = z.iso.datetime({ offset: true });

export const answerReportQuerySchema = z
  .strictObject({ since: isoDate.optional(), until: isoDate.optional() })
  .refine((q) => !q.since || !q.until || q.since <= q.until, {
    path: ['since'],
    message: 'must not be after until',
  });
export type AnswerReportQuery = z.infer<typeof answerReportQuerySchema>;

const intervalSchema = z.object({ lower: z.number(), upper: z.number() }).nullable();

const shareSchema = z.object({
  id: z.string(),
  text: z.string(),
  count: z.number().int(),
  percent: z.number().nullable(),
  interval: intervalSchema.describe('95 % Wilson interval of the percent'),
});

export const answerReportDtoSchema = z.object({
  surveyId: z.uuid(),
  questions: z.array(
    z.object({
      id: z.string(),
      version: z.number().int(),
      type: z.enum(QUESTION_TYPES),
      text: z.string(),
      n: z.number().int().describe('responses that answered the question'),
      options: z.array(shareSchema).describe('per option, or per value of a scale'),
      mean: z
        .object({ value: z.number(), interval: intervalSchema.describe('95 % t interval') })
        .nullable()
        .describe('scales only'),
    }),
  ),
});
export type AnswerReportDto = z.infer<typeof answerReportDtoSchema>;

const bounds = (i: Interval | null) =>
  i ? { lower: i.displayLower, upper: i.displayUpper } : null;

/** An option's (or a scale value's) answers and its share of the question's respondents. */
export interface ShareFigure {
  id: string;
  text: string;
  count: number;
  percent: number | null;
  interval: Interval | null;
  /** False for an option an earlier version offered and the current one does not. */
  offered: boolean;
}

/**
 * One question's figures: the current wording (or, for a question no longer asked, its newest
 * one) over the answers of all its versions of the same type; `versions` lists the wordings
 * that were answered, newest first.
 */
export interface QuestionFigures {
  id: string;
  version: number;
  type: QuestionType;
  text: string;
  /** False when the survey no longer asks it (removed, or its type changed since). */
  asked: boolean;
  condition: QuestionCondition | null;
  maxChoices: number | null;
  n: number;
  options: ShareFigure[];
  mean: { value: number; interval: Interval | null } | null;
  versions: { version: number; text: string; n: number }[];
  quotes: { responseId: string; score: number; text: string }[];
}

const SCALE_RANGE: Partial<Record<QuestionType, { min: number; max: number }>> = {
  scale_5: { min: 1, max: 5 },
  scale_10: { min: 0, max: 10 },
};

function share(id: string, text: string, count: number, n: number, offered: boolean): ShareFigure {
  return {
    id,
    text,
    count,
    percent: n ? (100 * count) / n : null,
    interval: wilsonInterval(count, n),
    offered,
  };
}

function toFigures(q: Question | null, agg: AnswerAggregate | undefined, type: QuestionType) {
  const n = agg?.n ?? 0;
  const counted = agg?.options ?? new Map<string, { text: string; count: number }>();
  const range = SCALE_RANGE[type];
  const offered = range
    ? Array.from({ length: range.max - range.min + 1 }, (_, i) => String(range.min + i)).map(
        (v) => ({ id: v, text: v }),
      )
    : (q?.options ?? []);
  const ids = new Set(offered.map((o) => o.id));
  const options =
    type === 'free_text'
      ? []
      : [
          ...offered.map((o) => share(o.id, o.text, counted.get(o.id)?.count ?? 0, n, true)),
          ...[...counted]
            .filter(([id]) => !ids.has(id))
            .map(([id, c]) => share(id, c.text, c.count, n, q === null)),
        ];
  const newest = agg?.versions[0];
  const mean =
    range && agg?.mean !== null && agg?.mean !== undefined
      ? {
          value: agg.mean,
          interval: meanTInterval(
            { mean: agg.mean, standardDeviation: agg.standardDeviation ?? 0, n },
            range,
          ),
        }
      : null;
  return {
    id: q?.id ?? agg?.questionId ?? '',
    version: q?.version ?? newest?.version ?? 1,
    type,
    text: q?.text ?? newest?.text ?? '',
    asked: q !== null,
    condition: q?.condition ?? null,
    maxChoices: q?.maxChoices ?? null,
    n,
    options,
    mean,
    versions: agg?.versions ?? [],
    quotes: agg?.quotes ?? [],
  } satisfies QuestionFigures;
}

/**
 * The figures of the survey's current questions, in order, then of the questions it no longer
 * asks that have answers in the range (each id and type its own, by where it was asked).
 */
export function questionFigures(
  questions: readonly Question[],
  aggregates: readonly AnswerAggregate[],
): QuestionFigures[] {
  const key = (id: string, type: string) => `${type}:${id}`;
  const byKey = new Map(aggregates.map((a) => [key(a.questionId, a.type), a]));
  const current = questions.map((q) => toFigures(q, byKey.get(key(q.id, q.type)), q.type));
  const asked = new Set(questions.map((q) => key(q.id, q.type)));
  const retired = aggregates
    .filter((a) => !asked.has(key(a.questionId, a.type)))
    .sort((a, b) => a.position - b.position)
    .map((a) => toFigures(null, a, a.type));
  return [...current, ...retired];
}

/** Newest free-text answers per question that `answerFiguresForSurveys` returns. */
export const ANSWER_QUOTES = 3;

/**
 * Every survey's question figures over the counted responses in [from, to), all the surveys'
 * answers aggregated in one statement (reports read it once, whatever their number of surveys).
 */
export async function answerFiguresForSurveys(
  db: Kysely<Database>,
  workspaceId: string,
  surveys: readonly Pick<Survey, 'id' | 'questions'>[],
  range: { from: Date; to: Date },
): Promise<Map<string, QuestionFigures[]>> {
  const found = await aggregateAnswers(
    db,
    workspaceId,
    surveys.map((s) => s.id),
    range,
    ANSWER_QUOTES,
  );
  return new Map(
    surveys.map((s) => [
      s.id,
      questionFigures(storedQuestions(s.questions), found.get(s.id) ?? []),
    ]),
  );
}

export async function getAnswerReport(
  db: Kysely<Database>,
  workspaceId: string,
  surveyId: string,
  query: AnswerReportQuery,
): Promise<AnswerReportDto> {
  const survey = await requireSurvey(db, workspaceId, surveyId);
  const found = await aggregateAnswers(
    db,
    workspaceId,
    [surveyId],
    {
      ...(query.since ? { from: new Date(query.since) } : {}),
      ...(query.until ? { to: new Date(query.until) } : {}),
    },
    0,
  );
  // The API shows the current questions under their current wording and options; answers to
  // earlier versions of the same type count under them (options by id).
  const questions = storedQuestions(survey.questions);
  return {
    surveyId,
    questions: questionFigures(questions, found.get(surveyId) ?? [])
      .filter((f) => f.asked)
      .map((f) => ({
        id: f.id,
        version: f.version,
        type: f.type,
        text: f.text,
        n: f.n,
        options: f.options
          .filter((o) => o.offered)
          .map((o) => ({
            id: o.id,
            text: o.text,
            count: o.count,
            percent: o.percent,
            interval: bounds(o.interval),
          })),
        mean: f.mean ? { value: f.mean.value, interval: bounds(f.mean.interval) } : null,
      })),
  };
}
