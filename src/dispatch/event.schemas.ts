import { z } from 'zod';
import { eventTypeSchema, headerSafeText } from '../surveys/survey.schemas';

const propertyValue = z.union([z.string().max(1000), z.number(), z.boolean(), z.null()]);
export const propertiesSchema = z
  .record(z.string().min(1).max(64), propertyValue)
  .refine((p) => Object.keys(p).length <= 50, 'at most 50 properties');

export const timeZoneSchema = z
  .string()
  .min(1)
  .max(64)
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'an IANA time zone such as Europe/Zagreb');

export const contactEmailSchema = z
  .email()
  .max(254)
  .refine((s) => !/[\r\n\0]/.test(s), 'must not contain line breaks');

export const contactLocaleSchema = z
  .string()
  .min(2)
  .max(35)
  .regex(/^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$/, 'a BCP 47 tag');

export const contactInputSchema = z.strictObject({
  email: contactEmailSchema,
  name: headerSafeText(200).optional(),
  locale: contactLocaleSchema.optional(),
  timeZone: timeZoneSchema.optional(),
  externalId: z.string().min(1).max(200).optional(),
  properties: propertiesSchema.optional(),
});

export const idempotencyKeySchema = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces');

export const createEventBodySchema = z.strictObject({
  type: eventTypeSchema,
  contact: contactInputSchema,
  properties: propertiesSchema.default({}),
  occurredAt: z.iso.datetime({ offset: true }).optional(),
  idempotencyKey: idempotencyKeySchema.optional(),
});
export type CreateEventBody = z.infer<typeof createEventBodySchema>;

export const invitationSummarySchema = z.object({
  id: z.uuid(),
  surveyId: z.uuid(),
  status: z.string(),
  skipReason: z.string().nullable(),
  sendAt: z.iso.datetime(),
});

export const eventAcceptedDtoSchema = z.object({
  event: z.object({ id: z.uuid(), type: z.string(), contactId: z.uuid().nullable() }),
  invitations: z.array(invitationSummarySchema),
});
export type EventAcceptedDto = z.infer<typeof eventAcceptedDtoSchema>;

export const MAX_BATCH_EVENTS = 1000;

export const createEventBatchBodySchema = z.strictObject({
  events: z.array(createEventBodySchema).min(1).max(MAX_BATCH_EVENTS),
});

export const eventBatchResultDtoSchema = z.object({
  accepted: z.number().int(),
  failed: z.number().int(),
  results: z.array(
    z.object({
      index: z.number().int(),
      status: z.number().int().describe('what POST /api/events would have answered for this item'),
      replayed: z.boolean().optional(),
      event: eventAcceptedDtoSchema.shape.event.optional(),
      invitations: z.array(invitationSummarySchema).optional(),
      error: z
        .object({ code: z.string(), message: z.string(), details: z.unknown().optional() })
        .optional(),
    }),
  ),
});
