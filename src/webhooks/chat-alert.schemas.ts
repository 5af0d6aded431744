import { z } from 'zod';
import { pageCursorSchema, pageLimitSchema } from '../platform/pagination.schemas';

const isoDate = z.iso.datetime({ offset: true });
const score = z.number().int().min(0).max(10);

export const chatPlatformSchema = z.enum(['slack', 'teams']);

export const createChatAlertRuleBodySchema = z
  .strictObject({
    platform: chatPlatformSchema,
    name: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .refine((s) => !/[\0\r\n]/.test(s), 'must not contain line breaks or NUL'),
    url: z
      .string()
      .max(2000)
      .refine((s) => URL.canParse(s), 'must be an absolute URL')
      .refine(
        (s) => /^https?:$/.test(URL.canParse(s) ? new URL(s).protocol : ''),
        'must be http(s)',
      )
      .describe('The channel’s incoming webhook URL; stored sealed and never shown again'),
    surveyIds: z.array(z.uuid()).max(100).default([]).describe('Empty: every survey'),
    minScore: score.optional(),
    maxScore: score.optional(),
    onlyWithComment: z.boolean().default(false),
    segment: z
      .record(z.string().min(1).max(64), z.string().min(1).max(200))
      .refine((r) => Object.keys(r).length <= 10, 'at most 10 properties')
      .default({})
      .describe('Segment property → value; every pair must match'),
  })
  .refine((b) => b.minScore === undefined || b.maxScore === undefined || b.minScore <= b.maxScore, {
    path: ['minScore'],
    message: 'must not be above maxScore',
  });
export type CreateChatAlertRuleBody = z.infer<typeof createChatAlertRuleBodySchema>;

export const chatAlertRuleDtoSchema = z.object({
  id: z.uuid(),
  platform: chatPlatformSchema,
  name: z.string(),
  urlHint: z.string().describe('Host and last characters of the webhook URL'),
  surveyIds: z.array(z.uuid()),
  minScore: z.number().int().nullable(),
  maxScore: z.number().int().nullable(),
  onlyWithComment: z.boolean(),
  segment: z.record(z.string(), z.string()),
  createdAt: isoDate,
});
export type ChatAlertRuleDto = z.infer<typeof chatAlertRuleDtoSchema>;

export const chatAlertRuleIdParamsSchema = z.strictObject({ id: z.uuid() });

export const chatAlertDeliveryDtoSchema = z.object({
  id: z.uuid(),
  ruleId: z.uuid(),
  responseId: z.uuid().nullable(),
  test: z.boolean(),
  status: z.enum(['pending', 'succeeded', 'failed']),
  attempts: z.number().int(),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  payload: z.record(z.string(), z.unknown()).describe('The message as posted'),
  createdAt: isoDate,
  deliveredAt: isoDate.nullable(),
});
export type ChatAlertDeliveryDto = z.infer<typeof chatAlertDeliveryDtoSchema>;

export const listChatAlertDeliveriesQuerySchema = z.strictObject({
  limit: pageLimitSchema,
  cursor: pageCursorSchema,
});
export const chatAlertDeliveryPageSchema = z.object({
  data: z.array(chatAlertDeliveryDtoSchema),
  nextCursor: z.string().nullable(),
});
