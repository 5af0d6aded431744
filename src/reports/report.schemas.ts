import { z } from 'zod';

export const reportKindSchema = z.enum(['monthly', 'weekly']);

export const createReportBodySchema = z.strictObject({
  kind: reportKindSchema,
  periodStart: z.iso
    .date()
    .describe('any day of the period; aligned to the month or the ISO week (Monday)'),
  deliver: z
    .boolean()
    .default(false)
    .describe('also email it to the workspace’s recipients (once per recipient)'),
});

export const listReportsQuerySchema = z.strictObject({
  kind: reportKindSchema.optional(),
  limit: z
    .string()
    .regex(/^\d{1,3}$/, 'a whole number from 1 to 100')
    .transform(Number)
    .pipe(z.number().int().min(1).max(100))
    .optional(),
  cursor: z.string().max(200).optional(),
});

export const reportIdParamsSchema = z.strictObject({ id: z.uuid() });
export const reportPageQuerySchema = z.strictObject({
  token: z
    .string()
    .regex(/^[A-Za-z0-9_-]{20,100}$/, 'a report share token')
    .optional(),
});

export const reportSummarySchema = z.object({
  id: z.uuid(),
  kind: reportKindSchema,
  periodStart: z.iso.date(),
  periodEnd: z.iso.date(),
  label: z.string(),
  trigger: z.enum(['schedule', 'api']),
  webUrl: z.string().describe('the web page, with its share token (treat it like a password)'),
  createdAt: z.iso.datetime({ offset: true }),
});

export const reportDtoSchema = reportSummarySchema.extend({
  deliveries: z.array(
    z.object({
      recipient: z.string(),
      status: z.enum(['claimed', 'sent', 'failed']),
      attempts: z.number().int(),
      sentAt: z.iso.datetime({ offset: true }).nullable(),
    }),
  ),
  content: z
    .record(z.string(), z.unknown())
    .describe(
      'The report as generated: period, per-survey headline cells (same shape as /api/surveys/{id}/metrics), changes in words, 12-month trend, segments, themes with quotes, additional questions (`questions`: per option the count and share with its Wilson interval, scale means with their t interval, free-text quotes; monthly per survey, weekly over the ranking weeks), closed loop and actions. Every figure has a `link` to the responses behind it.',
    ),
});

export const reportPageSchema = z.object({
  data: z.array(reportSummarySchema),
  nextCursor: z.string().nullable(),
});

export const themeOverrideBodySchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('rename'),
    themeKey: z.string().min(1).max(200),
    label: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .refine((s) => !/[\0\r\n]/.test(s), 'must be one line'),
  }),
  z.strictObject({
    kind: z.literal('merge'),
    themeKey: z.string().min(1).max(200),
    into: z.string().min(1).max(200),
  }),
  z.strictObject({ kind: z.literal('pin'), themeKey: z.string().min(1).max(200) }),
]);

export const themeOverrideDtoSchema = z.object({
  id: z.uuid(),
  surveyId: z.uuid(),
  kind: z.enum(['rename', 'merge', 'pin']),
  themeKey: z.string(),
  label: z.string().nullable(),
  into: z.string().nullable(),
  createdAt: z.iso.datetime({ offset: true }),
  updatedAt: z.iso.datetime({ offset: true }),
});

export const themesQuerySchema = z
  .strictObject({ since: z.iso.date(), until: z.iso.date() })
  .refine((q) => q.since <= q.until, { path: ['since'], message: 'must not be after until' });

export const themeListSchema = z.object({
  surveyId: z.uuid(),
  since: z.iso.date(),
  until: z.iso.date(),
  totalComments: z.number().int(),
  overallScore: z.number().nullable(),
  themes: z.array(
    z.object({
      key: z.string(),
      label: z.string(),
      volume: z.number().int(),
      score: z.number().nullable(),
      impact: z.number().nullable(),
      pinned: z.boolean(),
      quotes: z.array(z.object({ responseId: z.uuid(), score: z.number(), text: z.string() })),
      responseIds: z.array(z.uuid()),
    }),
  ),
});
