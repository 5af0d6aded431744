import { z } from 'zod';
import { contactInputSchema, propertiesSchema } from '../contacts/contact.schemas';
import { eventTypeSchema } from '../surveys/survey.schemas';

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
