import { z } from 'zod';
import { SKIP_REASONS } from './eligibility';

export const invitationStatusSchema = z.enum([
  'scheduled',
  'sending',
  'sent',
  'send_unknown',
  'failed',
  'bounced',
  'expired',
  'cancelled',
  'skipped',
]);

export const listInvitationsQuerySchema = z.strictObject({
  status: invitationStatusSchema.optional(),
  reason: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[a-z_]+$/, 'a skip reason such as ' + SKIP_REASONS.join(', '))
    .optional()
    .describe(
      `skip reason: ${SKIP_REASONS.join(', ')}, or a send-time one (survey_paused, contact_erased…)`,
    ),
  surveyId: z.uuid().optional(),
  contactId: z.uuid().optional(),
  eventId: z.uuid().optional(),
  cursor: z.uuid().optional().describe('`nextCursor` of the previous page'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type ListInvitationsQuery = z.infer<typeof listInvitationsQuerySchema>;

export const invitationIdParamsSchema = z.strictObject({ id: z.uuid() });

export const invitationDtoSchema = z.object({
  id: z.uuid(),
  surveyId: z.uuid(),
  contactId: z.uuid().nullable(),
  eventId: z.uuid().nullable(),
  status: invitationStatusSchema,
  skipReason: z.string().nullable(),
  locale: z.string(),
  segment: z.record(z.string(), z.unknown()),
  sendAt: z.iso.datetime(),
  expiresAt: z.iso.datetime().nullable(),
  attempts: z.number().int(),
  sentAt: z.iso.datetime().nullable(),
  answeredAt: z.iso.datetime().nullable(),
  lastError: z.string().nullable(),
  reminder: z
    .object({
      status: z.string(),
      sentAt: z.iso.datetime().nullable(),
      skipReason: z.string().nullable(),
    })
    .nullable(),
  createdAt: z.iso.datetime(),
});
export type InvitationDto = z.infer<typeof invitationDtoSchema>;

export const invitationStatsQuerySchema = z.strictObject({
  surveyId: z.uuid().optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});

export const invitationStatsDtoSchema = z.object({
  total: z.number().int(),
  byStatus: z.record(z.string(), z.number().int()),
  skippedByReason: z.record(z.string(), z.number().int()),
});
