import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../db/schema';
import { meanTInterval, wilsonInterval } from '../scoring/intervals';
import type { Interval } from '../scoring/intervals';
import { requireSurvey } from '../surveys/survey.service';
import { QUESTION_TYPES, storedQuestions } from '../surveys/questions';
import type { Question } from '../surveys/questions';

/**
 * The additional questions' figures for a survey: per option (and per scale value) the count
 * and its share of the responses that answered the question, with a 95 % Wilson interval
 * (docs/statistics.md §7.1); for scales also the mean with its t interval (§7.2). Only
 * answers of responses that count (counted, not flagged) are read.
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

function questionFigures(q: Question, values: unknown[]) {
  const n = values.length;
  const scale =
    q.type === 'scale_5' ? [1, 2, 3, 4, 5] : q.type === 'scale_10' ? [...Array(11).keys()] : [];
  const choices = scale.length
    ? scale.map((v) => ({ id: String(v), text: String(v) }))
    : (q.options ?? []);
  const counts = new Map<string, number>();
  for (const v of values) {
    for (const id of Array.isArray(v) ? v.map(String) : [String(v)]) {
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
  }
  const options =
    q.type === 'free_text'
      ? []
      : choices.map((o) => {
          const count = counts.get(o.id) ?? 0;
          return {
            id: o.id,
            text: o.text,
            count,
            percent: n ? (100 * count) / n : null,
            interval: bounds(wilsonInterval(count, n)),
          };
        });
  let mean: AnswerReportDto['questions'][number]['mean'] = null;
  if (scale.length && n > 0) {
    const nums = values.map(Number);
    const m = nums.reduce((a, b) => a + b, 0) / n;
    const sd = n > 1 ? Math.sqrt(nums.reduce((a, b) => a + (b - m) ** 2, 0) / (n - 1)) : 0;
    const range = { min: scale[0] ?? 0, max: scale[scale.length - 1] ?? 10 };
    mean = {
      value: m,
      interval: bounds(meanTInterval({ mean: m, standardDeviation: sd, n }, range)),
    };
  }
  return { id: q.id, version: q.version, type: q.type, text: q.text, n, options, mean };
}

export async function getAnswerReport(
  db: Kysely<Database>,
  workspaceId: string,
  surveyId: string,
  query: AnswerReportQuery,
): Promise<AnswerReportDto> {
  const survey = await requireSurvey(db, workspaceId, surveyId);
  let q = db
    .selectFrom('response_answers as a')
    .innerJoin('counted_responses as r', 'r.id', 'a.response_id')
    .select(['a.question_id', 'a.value'])
    .where('a.workspace_id', '=', workspaceId)
    .where('r.survey_id', '=', surveyId);
  if (query.since) {
    q = q.where('r.created_at', '>=', new Date(query.since));
  }
  if (query.until) {
    q = q.where('r.created_at', '<', new Date(query.until));
  }
  // NOTE: counted in memory; one row per answer is fine at survey sizes, SQL grouping can follow.
  const rows = await q.execute();
  const byQuestion = new Map<string, unknown[]>();
  for (const r of rows) {
    (byQuestion.get(r.question_id) ?? byQuestion.set(r.question_id, []).get(r.question_id))!.push(
      r.value,
    );
  }
  // Answers are grouped by question id across versions, under the current wording and options.
  return {
    surveyId,
    questions: storedQuestions(survey.questions).map((qq) =>
      questionFigures(qq, byQuestion.get(qq.id) ?? []),
    ),
  };
}
