import { z } from 'zod';
import { SURVEY_KINDS } from '../../db/schema';
import type { SurveyKind } from '../../db/schema';
import { pageCursorSchema, pageLimitSchema } from '../platform/pagination.schemas';
import { LOCALES } from '../surveys/i18n/types';
import type { ResponseRow } from './response.repository';
import { QUESTION_TYPES, toAnswerDto } from '../surveys/questions';
import type { StoredAnswer } from '../surveys/questions';

const isoDate = z.iso.datetime({ offset: true });
const uuid = z.uuid();
const boolString = z.enum(['true', 'false']).transform((v) => v === 'true');
const scoreString = z
  .string()
  .regex(/^\d{1,2}$/, 'a whole number from 0 to 10')
  .transform(Number)
  .pipe(z.number().int().min(0).max(10));

export const responseStatusSchema = z.enum(['provisional', 'counted']);
export const flagReasonSchema = z.enum(['scanner_burst', 'honeypot', 'manual']);

export const responseDtoSchema = z.object({
  id: uuid,
  surveyId: uuid,
  surveyKind: z.enum(SURVEY_KINDS),
  invitationId: uuid.nullable(),
  contact: z
    .object({ id: uuid, email: z.string().nullable(), name: z.string().nullable() })
    .nullable(),
  score: z.number().int(),
  comment: z.string().nullable(),
  locale: z.string(),
  segment: z.record(z.string(), z.unknown()),
  tags: z.array(z.string()).describe('free labels, e.g. tags imported from Delighted'),
  source: z.string(),
  status: responseStatusSchema,
  confirmedVia: z.enum(['form', 'page', 'review', 'import']).nullable(),
  flagged: z.boolean(),
  flagReason: flagReasonSchema.nullable(),
  countsInScores: z.boolean(),
  externalId: z.string().nullable(),
  answers: z
    .array(
      z.object({
        questionId: z.string(),
        questionVersion: z.number().int(),
        type: z.enum(QUESTION_TYPES),
        question: z.string().describe('the question as it was asked, at questionVersion'),
        value: z
          .union([
            z.string(),
            z.number(),
            z.object({ id: z.string(), text: z.string() }),
            z.array(z.object({ id: z.string(), text: z.string() })),
          ])
          .describe('text, scale number, the chosen option, or the chosen options'),
      }),
    )
    .describe('answers to the additional questions, in the order they were asked'),
  createdAt: isoDate,
  updatedAt: isoDate,
});
export type ResponseDto = z.infer<typeof responseDtoSchema>;

export function toResponseDto(
  row: ResponseRow & {
    survey_kind: SurveyKind;
    contact_email?: string | null;
    contact_name?: string | null;
    answers?: StoredAnswer[] | null;
  },
): ResponseDto {
  return {
    id: row.id,
    surveyId: row.survey_id,
    surveyKind: row.survey_kind,
    invitationId: row.invitation_id,
    contact: row.contact_id
      ? { id: row.contact_id, email: row.contact_email ?? null, name: row.contact_name ?? null }
      : null,
    score: row.score,
    comment: row.comment,
    locale: row.locale,
    segment: row.segment,
    tags: row.tags,
    source: row.source,
    status: row.status,
    confirmedVia: row.confirmed_via,
    flagged: row.flagged,
    flagReason: row.flag_reason,
    countsInScores: row.status === 'counted' && !row.flagged,
    externalId: row.external_id,
    answers: (row.answers ?? []).map(toAnswerDto),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export const listResponsesQuerySchema = z
  .strictObject({
    surveyId: uuid.optional(),
    since: isoDate.optional(),
    until: isoDate.optional(),
    minScore: scoreString.optional(),
    maxScore: scoreString.optional(),
    category: z.enum(['promoter', 'passive', 'detractor']).optional(),
    hasComment: boolString.optional(),
    segmentProperty: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits and . _ - only')
      .optional(),
    segmentValue: z.string().min(1).max(200).optional(),
    flagged: boolString.optional(),
    status: responseStatusSchema.optional(),
    limit: pageLimitSchema,
    cursor: pageCursorSchema,
  })
  .refine((q) => !q.segmentValue || !!q.segmentProperty, {
    path: ['segmentProperty'],
    message: 'is required with segmentValue',
  })
  .refine((q) => !q.segmentProperty || !!q.segmentValue, {
    path: ['segmentValue'],
    message: 'is required with segmentProperty',
  })
  .refine((q) => q.minScore === undefined || q.maxScore === undefined || q.minScore <= q.maxScore, {
    path: ['minScore'],
    message: 'must not exceed maxScore',
  });
export type ListResponsesQuery = z.infer<typeof listResponsesQuerySchema>;

export const responseIdParamsSchema = z.strictObject({ id: uuid });

export const responsePageSchema = z.object({
  data: z.array(responseDtoSchema),
  nextCursor: z.string().nullable(),
});

export const patchResponseBodySchema = z.strictObject({
  flagged: z.boolean(),
});
export type PatchResponseBody = z.infer<typeof patchResponseBodySchema>;

const commentText = z
  .string()
  .max(20_000)
  .refine((s) => !s.includes('\0'), 'must not contain NUL');

export const importResponseSchema = z.strictObject({
  surveyId: uuid,
  score: z.number().int().min(0).max(10),
  comment: commentText.nullish(),
  createdAt: isoDate,
  email: z.email().max(320).optional(),
  locale: z.enum(LOCALES).optional(),
  segment: z
    .record(z.string().min(1).max(64), z.union([z.string().max(200), z.number(), z.boolean()]))
    .refine((r) => Object.keys(r).length <= 20, 'at most 20 properties')
    .optional(),
  externalId: z.string().min(1).max(200).optional(),
  answers: z
    .record(
      z.string().min(1).max(40),
      z.union([z.string().max(2000), z.number(), z.array(z.string().max(40)).max(10)]),
    )
    .optional()
    .describe(
      "answers to the survey's additional questions by question id: an option id (single " +
        'choice), option ids (multiple choice), a number (scale) or a text (free text)',
    ),
});

export const importResponsesBodySchema = z.strictObject({
  responses: z.array(importResponseSchema).min(1).max(1000),
});
export type ImportResponsesBody = z.infer<typeof importResponsesBodySchema>;

export const importResultSchema = z.object({
  imported: z.number().int(),
  skipped: z.number().int(),
  ids: z.array(uuid),
});
