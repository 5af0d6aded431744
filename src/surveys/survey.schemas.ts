import { z } from 'zod';
import { SURVEY_KINDS } from '../../db/schema';
import { LOCALES } from './i18n/types';
import { WEEKDAYS } from './send-window';
import { questionDtoSchema, questionsInputSchema } from './questions';

/**
 * Text that ends up in a mail header: CR, LF and NUL would let it add headers (CWE-93). They
 * are refused anywhere in the value, before trimming, never silently stripped.
 */
export const headerSafeText = (max: number) =>
  z
    .string()
    .refine((s) => !/[\r\n\0]/.test(s), 'must not contain line breaks or NUL')
    .trim()
    .min(1)
    .max(max);

export const plainText = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((s) => !s.includes('\0'), 'must not contain NUL');

export const surveyKindSchema = z
  .enum(SURVEY_KINDS)
  .describe(
    'nps and enps 0–10, csat 1–5, ces 1–7, stars and smileys 1–5, thumbs 0 (down) or 1 (up), ' +
      'pmf 1 (not), 2 (somewhat) or 3 (very disappointed)',
  );
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

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'a time as HH:MM');

export const sendWindowSchema = z
  .strictObject({
    days: z.array(z.enum(WEEKDAYS)).min(1).max(7),
    start: hhmm,
    end: hhmm,
  })
  .refine((w) => w.start < w.end, { path: ['end'], message: 'must be later than start' })
  .refine((w) => new Set(w.days).size === w.days.length, {
    path: ['days'],
    message: 'must not repeat a day',
  });

export const triggerSchema = z.strictObject({
  eventType: eventTypeSchema,
  delaySeconds: z.number().int().min(0).max(31_536_000).default(0),
  samplingRate: z.number().min(0).max(1).default(1),
  quietPeriodDays: z
    .number()
    .int()
    .min(0)
    .max(3650)
    .nullable()
    .default(null)
    .describe("null uses the workspace's quiet period (90 days by default)"),
  sendWindow: sendWindowSchema
    .nullable()
    .default(null)
    .describe("local time in the contact's time zone; null sends any time"),
});

const segmentPropertiesSchema = z
  .array(
    z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits and . _ - only'),
  )
  .max(20);

const reminderAfterDaysSchema = z
  .number()
  .int()
  .min(1)
  .max(60)
  .nullable()
  .describe('one reminder this many days after the invitation if unanswered; null = off');

export const createSurveyBodySchema = z.strictObject({
  kind: surveyKindSchema,
  name: headerSafeText(200),
  trigger: triggerSchema,
  texts: localizedTextsSchema.default({}),
  segmentProperties: segmentPropertiesSchema.default([]),
  expiresAfterDays: z.number().int().min(1).max(365).default(30),
  reminderAfterDays: reminderAfterDaysSchema.default(null),
  questions: questionsInputSchema
    .default([])
    .describe('up to ten additional questions after the score'),
});
export type CreateSurveyBody = z.infer<typeof createSurveyBodySchema>;

export const updateSurveyBodySchema = z
  .strictObject({
    kind: surveyKindSchema,
    name: headerSafeText(200),
    trigger: z.strictObject({
      eventType: eventTypeSchema.optional(),
      delaySeconds: z.number().int().min(0).max(31_536_000).optional(),
      samplingRate: z.number().min(0).max(1).optional(),
      quietPeriodDays: z.number().int().min(0).max(3650).nullable().optional(),
      sendWindow: sendWindowSchema.nullable().optional(),
    }),
    texts: localizedTextsSchema,
    segmentProperties: segmentPropertiesSchema,
    expiresAfterDays: z.number().int().min(1).max(365),
    reminderAfterDays: reminderAfterDaysSchema,
    questions: questionsInputSchema.describe(
      "the whole list; keep a question's id to edit it (its version rises when it changes)",
    ),
  })
  .partial()
  .refine((b) => Object.keys(b).length > 0, 'name at least one field to change');
export type UpdateSurveyBody = z.infer<typeof updateSurveyBodySchema>;

export const surveyIdParamsSchema = z.strictObject({ id: z.uuid() });

export const listSurveysQuerySchema = z.strictObject({
  status: surveyStatusSchema.optional(),
  kind: surveyKindSchema.optional(),
  eventType: eventTypeSchema.optional(),
  q: z.string().trim().min(1).max(200).optional().describe('case-insensitive match on the name'),
  cursor: z.uuid().optional().describe('`nextCursor` of the previous page'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type ListSurveysQuery = z.infer<typeof listSurveysQuerySchema>;

export const surveyDtoSchema = z.object({
  id: z.uuid(),
  kind: surveyKindSchema,
  name: z.string(),
  status: surveyStatusSchema,
  trigger: z.object({
    eventType: z.string(),
    delaySeconds: z.number().int(),
    samplingRate: z.number(),
    quietPeriodDays: z.number().int().nullable(),
    sendWindow: z
      .object({ days: z.array(z.enum(WEEKDAYS)), start: z.string(), end: z.string() })
      .nullable(),
  }),
  texts: localizedTextsSchema,
  segmentProperties: z.array(z.string()),
  expiresAfterDays: z.number().int(),
  reminderAfterDays: z.number().int().nullable(),
  questions: z.array(questionDtoSchema),
  launchedAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type SurveyDto = z.infer<typeof surveyDtoSchema>;
