import { z } from 'zod';
import { SURVEY_KINDS } from '../../db/schema';

const isoDate = z.iso.date();

export const metricsQuerySchema = z
  .strictObject({
    since: isoDate.optional(),
    until: isoDate.optional(),
    interval: z.enum(['day', 'week', 'month', 'quarter']).default('month'),
    segment: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9_.-]+$/, 'a segment property name')
      .optional(),
    compare: z.enum(['previous', 'year']).optional(),
    confidence: z.coerce.number().min(0.5).max(0.999).default(0.95),
  })
  .refine((q) => !q.since || !q.until || q.since <= q.until, {
    path: ['since'],
    message: 'must not be after until',
  });
export type MetricsQuery = z.infer<typeof metricsQuerySchema>;

export const workspaceMetricsQuerySchema = z
  .strictObject({
    since: isoDate.optional(),
    until: isoDate.optional(),
    confidence: z.coerce.number().min(0.5).max(0.999).default(0.95),
  })
  .refine((q) => !q.since || !q.until || q.since <= q.until, {
    path: ['since'],
    message: 'must not be after until',
  });
export type WorkspaceMetricsQuery = z.infer<typeof workspaceMetricsQuerySchema>;

const interval = z
  .object({
    lower: z.number(),
    upper: z.number(),
    displayLower: z.number(),
    displayUpper: z.number(),
    confidence: z.number(),
  })
  .nullable();

export const changeSchema = z.object({
  comparedTo: isoDate.describe('start of the comparison period'),
  measure: z.enum([
    'npsPoints',
    'csatPercent',
    'cesAgreePercent',
    'topBoxPercent',
    'thumbsUpPercent',
    'veryDisappointedPercent',
  ]),
  previousScore: z.number().nullable(),
  previousN: z.number().int(),
  difference: z.number().nullable().describe('current − previous, in the measure’s units'),
  pValue: z.number().nullable(),
  interval: interval,
  significant: z.boolean(),
});

export const cellSchema = z.object({
  n: z.number().int(),
  score: z
    .number()
    .nullable()
    .describe(
      'NPS and eNPS in points (−100…100); CSAT share of 4–5, thumbs share of up, PMF share of ' +
        '"very disappointed" in percent; CES mean on 1–7, stars and smileys mean on 1–5',
    ),
  interval: interval.describe(
    'adjusted Wald (NPS, eNPS), Wilson (CSAT, thumbs, PMF) or t (means of CES, stars, smileys)',
  ),
  categories: z.record(z.string(), z.number().int()),
  distribution: z.array(z.number().int()).describe('responses per score value, index = score'),
  tooFewResponses: z.boolean(),
  share: z
    .object({
      from: z.number().int().describe('lowest answer counted'),
      percent: z.number().nullable(),
      interval: interval.describe('Wilson'),
    })
    .optional()
    .describe('mean kinds: the share of top answers (CES 5–7, stars and smileys 4–5)'),
  benchmark: z
    .object({
      percent: z.number(),
      verdict: z.enum(['above', 'below', 'unclear']).nullable(),
    })
    .optional()
    .describe('PMF: the 40 % line; above or below when the whole interval is on one side'),
  change: changeSchema.nullable().optional(),
});
export type Cell = z.infer<typeof cellSchema>;

export const trendSchema = z
  .object({
    slope: z.number().describe('score units per period'),
    interval: interval,
    pValue: z.number().nullable(),
    rising: z.boolean(),
    declining: z.boolean(),
    periods: z.number().int(),
  })
  .nullable();

export const surveyMetricsDtoSchema = z.object({
  surveyId: z.uuid(),
  kind: z.enum(SURVEY_KINDS),
  timeZone: z.string(),
  since: isoDate,
  until: isoDate,
  interval: z.enum(['day', 'week', 'month', 'quarter']),
  segment: z.string().nullable(),
  compare: z.enum(['previous', 'year']).nullable(),
  n: z.number().int(),
  overall: cellSchema.describe('the whole range'),
  nps: z
    .object({
      score: z.number().nullable(),
      n: z.number().int(),
      promoters: z.number().int(),
      passives: z.number().int(),
      detractors: z.number().int(),
      interval: interval,
      tooFewResponses: z.boolean(),
    })
    .optional()
    .describe('headline NPS for the whole range (NPS surveys)'),
  periods: z.array(
    z.object({
      start: isoDate,
      end: isoDate.describe('last day of the period'),
      overall: cellSchema,
      segments: z.array(cellSchema.extend({ value: z.string() })),
      responseRate: z.object({
        sent: z.number().int(),
        delivered: z.number().int(),
        answered: z.number().int(),
        rate: z.number().nullable(),
      }),
    }),
  ),
  trend: trendSchema,
  segmentTrends: z.array(z.object({ value: z.string(), trend: trendSchema })),
});
export type SurveyMetricsDto = z.infer<typeof surveyMetricsDtoSchema>;

export const workspaceMetricsDtoSchema = z.object({
  since: isoDate,
  until: isoDate,
  timeZone: z.string(),
  headline: z
    .object(
      Object.fromEntries(SURVEY_KINDS.map((k) => [k, cellSchema.nullable()])) as Record<
        (typeof SURVEY_KINDS)[number],
        z.ZodNullable<typeof cellSchema>
      >,
    )
    .describe('each kind pooled over its surveys; kinds are never mixed'),
  surveys: z.array(
    z.object({
      surveyId: z.uuid(),
      name: z.string(),
      kind: z.enum(SURVEY_KINDS),
      status: z.string(),
      overall: cellSchema,
    }),
  ),
});
export type WorkspaceMetricsDto = z.infer<typeof workspaceMetricsDtoSchema>;
