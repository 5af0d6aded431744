import { z } from 'zod';

const isoDate = z.iso.datetime({ offset: true });

export const metricAlertConditionSchema = z.enum([
  'below_threshold',
  'significant_drop',
  'low_volume',
]);

/** The fields of a rule; create adds the defaults, update takes any of them. */
const ruleFields = {
  name: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .refine((s) => !/[\0\r\n]/.test(s), 'must not contain line breaks or NUL'),
  surveyId: z.uuid(),
  condition: metricAlertConditionSchema,
  windowDays: z
    .number()
    .int()
    .min(1)
    .max(90)
    .describe('Score: the window compared (with the one before it for a drop). Volume: 1–7 days'),
  threshold: z
    .number()
    .min(-100)
    .max(100)
    .describe('below_threshold: NPS points for NPS/eNPS, else the % of positive answers'),
  minResponses: z.number().int().min(1).max(100_000),
  alpha: z.number().gt(0).max(0.2).describe('significant_drop: two-sided level'),
  baselineWeeks: z.number().int().min(2).max(26),
  sameWeekday: z.boolean(),
  limitMethod: z.enum(['sigma', 'poisson']),
  channel: z.enum(['email', 'chat']),
  email: z.email().max(254),
  chatAlertRuleId: z.uuid().describe('channel chat: the Slack/Teams destination'),
};

export const createMetricAlertRuleBodySchema = z
  .strictObject({
    ...ruleFields,
    threshold: ruleFields.threshold.optional(),
    minResponses: ruleFields.minResponses.default(30),
    alpha: ruleFields.alpha.default(0.05),
    baselineWeeks: ruleFields.baselineWeeks.default(8),
    sameWeekday: ruleFields.sameWeekday.default(false),
    limitMethod: ruleFields.limitMethod.default('sigma'),
    email: ruleFields.email.optional(),
    chatAlertRuleId: ruleFields.chatAlertRuleId.optional(),
  })
  .superRefine((b, issue) => {
    const need = (field: string, message: string) =>
      issue.addIssue({ code: 'custom', path: [field], message });
    if (b.condition === 'below_threshold' && b.threshold === undefined) {
      need('threshold', 'required for below_threshold');
    }
    if (b.condition !== 'below_threshold' && b.threshold !== undefined) {
      need('threshold', 'only for below_threshold');
    }
    if (b.condition === 'low_volume' && b.windowDays > 7) {
      need('windowDays', 'at most 7 for low_volume');
    }
    if (b.channel === 'email' && b.email === undefined) {
      need('email', 'required for channel email');
    }
    if (b.channel === 'chat' && b.chatAlertRuleId === undefined) {
      need('chatAlertRuleId', 'required for channel chat');
    }
  });
export type CreateMetricAlertRuleBody = z.infer<typeof createMetricAlertRuleBodySchema>;

/**
 * PATCH: any of the fields; the rest stay. The merged rule is checked with the create schema,
 * so the per-condition and per-channel rules hold. `threshold: null` clears it; a change of
 * condition away from below_threshold drops the old threshold by itself.
 */
export const updateMetricAlertRuleBodySchema = z.strictObject({
  name: ruleFields.name.optional(),
  surveyId: ruleFields.surveyId.optional(),
  condition: ruleFields.condition.optional(),
  windowDays: ruleFields.windowDays.optional(),
  threshold: ruleFields.threshold.nullable().optional(),
  minResponses: ruleFields.minResponses.optional(),
  alpha: ruleFields.alpha.optional(),
  baselineWeeks: ruleFields.baselineWeeks.optional(),
  sameWeekday: ruleFields.sameWeekday.optional(),
  limitMethod: ruleFields.limitMethod.optional(),
  channel: ruleFields.channel.optional(),
  email: ruleFields.email.optional(),
  chatAlertRuleId: ruleFields.chatAlertRuleId.optional(),
});
export type UpdateMetricAlertRuleBody = z.infer<typeof updateMetricAlertRuleBodySchema>;

export const metricAlertEpisodeDtoSchema = z.object({
  id: z.uuid(),
  openedAt: isoDate,
  openedDetail: z.record(z.string(), z.unknown()),
  closedAt: isoDate.nullable(),
  closedDetail: z.record(z.string(), z.unknown()).nullable(),
  alertSentAt: isoDate.nullable().describe('Email only: when the alert went out'),
  recoverySentAt: isoDate.nullable(),
});
export type MetricAlertEpisodeDto = z.infer<typeof metricAlertEpisodeDtoSchema>;

export const metricAlertRuleDtoSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  surveyId: z.uuid(),
  condition: metricAlertConditionSchema,
  windowDays: z.number().int(),
  threshold: z.number().nullable(),
  minResponses: z.number().int(),
  alpha: z.number(),
  baselineWeeks: z.number().int(),
  sameWeekday: z.boolean(),
  limitMethod: z.enum(['sigma', 'poisson']),
  channel: z.enum(['email', 'chat']),
  email: z.string().nullable(),
  chatAlertRuleId: z.uuid().nullable(),
  state: z.enum(['ok', 'alerting']),
  lastEvaluatedAt: isoDate.nullable(),
  lastResult: z.record(z.string(), z.unknown()).nullable(),
  createdAt: isoDate,
  episodes: z.array(metricAlertEpisodeDtoSchema).describe('Newest first, at most 20'),
});
export type MetricAlertRuleDto = z.infer<typeof metricAlertRuleDtoSchema>;

export const metricAlertRuleIdParamsSchema = z.strictObject({ id: z.uuid() });
