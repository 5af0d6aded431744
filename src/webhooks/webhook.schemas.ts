import { z } from 'zod';
import { DELIGHTED_EVENTS } from './formats/delighted';
import { pageCursorSchema, pageLimitSchema } from '../platform/pagination.schemas';

const isoDate = z.iso.datetime({ offset: true });

export const glasWebhookEventSchema = z.enum([
  'response.created',
  'response.updated',
  'followup.created',
]);
export const delightedWebhookEventSchema = z.enum(DELIGHTED_EVENTS);
export const webhookEventSchema = z.union([glasWebhookEventSchema, delightedWebhookEventSchema]);
export const webhookFormatSchema = z
  .enum(['glas', 'delighted'])
  .describe('`delighted`: bodies shaped as Delighted webhooks, with Delighted event names');

export const createWebhookBodySchema = z
  .strictObject({
    url: z
      .string()
      .max(2000)
      .refine((s) => URL.canParse(s), 'must be an absolute URL')
      .refine(
        (s) => /^https?:$/.test(URL.canParse(s) ? new URL(s).protocol : ''),
        'must be http(s)',
      )
      .refine((s) => !URL.canParse(s) || (!new URL(s).username && !new URL(s).password), {
        message: 'must not contain credentials',
      }),
    events: z.array(webhookEventSchema).min(1).max(3),
    description: z
      .string()
      .trim()
      .max(200)
      .refine((s) => !/[\0\r\n]/.test(s), 'must not contain line breaks or NUL')
      .optional(),
    format: webhookFormatSchema.default('glas'),
  })
  .refine(
    (b) =>
      b.events.every(
        (e) =>
          (b.format === 'delighted'
            ? delightedWebhookEventSchema
            : glasWebhookEventSchema
          ).safeParse(e).success,
      ),
    {
      path: ['events'],
      message: 'use Delighted event names with format delighted, Glas names otherwise',
    },
  );
export type CreateWebhookBody = z.infer<typeof createWebhookBodySchema>;

export const webhookDtoSchema = z.object({
  id: z.uuid(),
  url: z.string(),
  events: z.array(webhookEventSchema),
  description: z.string().nullable(),
  format: webhookFormatSchema,
  createdAt: isoDate,
});
export type WebhookDto = z.infer<typeof webhookDtoSchema>;

export const createdWebhookDtoSchema = webhookDtoSchema.extend({
  secret: z.string().describe('Signing secret, shown only once'),
});

export const webhookIdParamsSchema = z.strictObject({ id: z.uuid() });
export const deliveryParamsSchema = z.strictObject({ id: z.uuid(), deliveryId: z.uuid() });

export const listDeliveriesQuerySchema = z.strictObject({
  limit: pageLimitSchema,
  cursor: pageCursorSchema,
});

export const deliveryDtoSchema = z.object({
  id: z.uuid(),
  webhookId: z.uuid(),
  event: webhookEventSchema,
  status: z.enum(['pending', 'succeeded', 'failed']),
  attempts: z.number().int(),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  replayOf: z.uuid().nullable(),
  payload: z.record(z.string(), z.unknown()),
  createdAt: isoDate,
  deliveredAt: isoDate.nullable(),
});
export type DeliveryDto = z.infer<typeof deliveryDtoSchema>;

export const deliveryPageSchema = z.object({
  data: z.array(deliveryDtoSchema),
  nextCursor: z.string().nullable(),
});
