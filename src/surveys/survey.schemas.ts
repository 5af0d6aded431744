import { z } from 'zod';
import { LOCALES } from './i18n/types';

/** Text that ends up in a mail header: CR, LF and NUL would let it add headers (CWE-93). */
export const headerSafeText = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((s) => !/[\r\n\0]/.test(s), 'must not contain line breaks or NUL');

export const plainText = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((s) => !s.includes('\0'), 'must not contain NUL');

export const surveyKindSchema = z.enum(['nps', 'csat', 'ces']);
export const surveyStatusSchema = z.enum(['draft', 'active', 'paused', 'closed']);
export const eventTypeSchema = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'letters, digits and . _ : - only');

export const surveyTextsSchema = z.strictObject({
  question: plainText(500).optional(),
  followUp: plainText(500).optional(),
  emailSubject: headerSafeText(200).optional(),
  emailIntro: plainText(1000).optional(),
  thankYouTitle: plainText(200).optional(),
  thankYouBody: plainText(1000).optional(),
});
export type SurveyTexts = z.infer<typeof surveyTextsSchema>;

export const localizedTextsSchema = z.partialRecord(z.enum(LOCALES), surveyTextsSchema);

export const triggerSchema = z.strictObject({
  eventType: eventTypeSchema,
  delaySeconds: z.number().int().min(0).max(31_536_000).default(0),
});

export const createSurveyBodySchema = z.strictObject({
  kind: surveyKindSchema,
  name: plainText(200),
  trigger: triggerSchema,
  texts: localizedTextsSchema.default({}),
  segmentProperties: z
    .array(
      z
        .string()
        .min(1)
        .max(64)
        .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits and . _ - only'),
    )
    .max(20)
    .default([]),
  expiresAfterDays: z.number().int().min(1).max(365).default(30),
});
export type CreateSurveyBody = z.infer<typeof createSurveyBodySchema>;

export const surveyIdParamsSchema = z.strictObject({ id: z.uuid() });

export const listSurveysQuerySchema = z.strictObject({
  status: surveyStatusSchema.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const surveyDtoSchema = z.object({
  id: z.uuid(),
  kind: surveyKindSchema,
  name: z.string(),
  status: surveyStatusSchema,
  trigger: z.object({ eventType: z.string(), delaySeconds: z.number().int() }),
  texts: localizedTextsSchema,
  segmentProperties: z.array(z.string()),
  expiresAfterDays: z.number().int(),
  launchedAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type SurveyDto = z.infer<typeof surveyDtoSchema>;

const interval = z
  .object({
    lower: z.number(),
    upper: z.number(),
    displayLower: z.number(),
    displayUpper: z.number(),
    confidence: z.number(),
  })
  .nullable();

export const surveyMetricsDtoSchema = z.object({
  surveyId: z.uuid(),
  kind: surveyKindSchema,
  n: z.number().int(),
  nps: z
    .object({
      score: z.number().nullable().describe('NPS in points, -100..100; null without responses'),
      n: z.number().int(),
      promoters: z.number().int(),
      passives: z.number().int(),
      detractors: z.number().int(),
      interval: interval.describe('adjusted Wald interval in points'),
      tooFewResponses: z.boolean(),
    })
    .optional(),
  csat: z
    .object({
      score: z.number().nullable().describe('share of 4-5 answers, percent'),
      n: z.number().int(),
      satisfied: z.number().int(),
      interval: interval.describe('Wilson interval in percent'),
      tooFewResponses: z.boolean(),
    })
    .optional(),
  ces: z
    .object({
      mean: z.number().nullable().describe('mean answer on 1-7'),
      n: z.number().int(),
      agreePercent: z.number().nullable().describe('share of 5-7 answers, percent'),
      meanInterval: interval.describe('t interval of the mean'),
      agreeInterval: interval.describe('Wilson interval of the agree share'),
      tooFewResponses: z.boolean(),
    })
    .optional(),
});
export type SurveyMetricsDto = z.infer<typeof surveyMetricsDtoSchema>;
