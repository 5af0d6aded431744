import { z } from 'zod';
import { eventTypeSchema } from '../surveys/survey.schemas';

const isoDate = z.iso.datetime({ offset: true });
const noControl = (s: string) => ![...s].some((c) => c.charCodeAt(0) < 32 || c === '\x7f');

/** The helpdesks Glas takes solved tickets from. */
export const helpdeskProviderSchema = z.enum([
  'zendesk',
  'chatwoot',
  'zammad',
  'freshdesk',
  'intercom',
  'hubspot',
  'freescout',
]);
export type HelpdeskProviderName = z.infer<typeof helpdeskProviderSchema>;
export const helpdeskProviderParamsSchema = z.strictObject({ provider: helpdeskProviderSchema });
export const helpdeskIntakeParamsSchema = z.strictObject({
  provider: helpdeskProviderSchema,
  sourceId: z.uuid(),
  token: z.string().max(200).optional(),
});

export const DEFAULT_HELPDESK_EVENT_TYPE = 'ticket.solved';
const eventType = eventTypeSchema
  .optional()
  .describe(`The event type a solved ticket becomes (default ${DEFAULT_HELPDESK_EVENT_TYPE})`);

/** What each helpdesk needs; Glas makes the token or signature key for all but Zendesk, Intercom, HubSpot and FreeScout. */
export const configureHelpdeskSourceBodySchemas = {
  zendesk: z.strictObject({
    signingSecret: z
      .string()
      .trim()
      .min(16)
      .max(200)
      .refine(noControl, 'must not contain control characters')
      .describe(
        'The webhook\'s "Signing secret" (Zendesk Admin Center → Webhooks → Reveal secret)',
      ),
    eventType,
  }),
  intercom: z.strictObject({
    clientSecret: z
      .string()
      .trim()
      .min(16)
      .max(200)
      .refine(noControl, 'must not contain control characters')
      .describe("The app's client secret (Intercom Developer Hub → your app → Basic information)"),
    eventType,
  }),
  hubspot: z.strictObject({
    clientSecret: z
      .string()
      .trim()
      .min(16)
      .max(200)
      .refine(noControl, 'must not contain control characters')
      .describe("The HubSpot app's client secret (the app whose ID the workflow action names)"),
    eventType,
  }),
  freescout: z.strictObject({
    signingKey: z
      .string()
      .trim()
      .regex(/^[0-9a-f]{32}$/, 'must be the 32 hex digits of md5(APP_KEY . "webhook_key")')
      .describe(
        'The install\'s webhook signing key: md5(APP_KEY . "webhook_key") (docs/integrations/freescout.md)',
      ),
    eventType,
  }),
  zammad: z.strictObject({ eventType }),
  chatwoot: z.strictObject({ eventType }),
  freshdesk: z.strictObject({ eventType }),
} as const;
export const configureHelpdeskSourceBodySchema = z.union([
  configureHelpdeskSourceBodySchemas.zendesk,
  configureHelpdeskSourceBodySchemas.intercom,
  configureHelpdeskSourceBodySchemas.freescout,
  configureHelpdeskSourceBodySchemas.chatwoot,
]);
export type ConfigureHelpdeskSourceBody = {
  signingSecret?: string;
  signingKey?: string;
  clientSecret?: string;
  eventType?: string;
};

export const helpdeskSourceDtoSchema = z.object({
  provider: z.string(),
  url: z
    .string()
    .describe('Where the helpdesk must send its webhooks (Chatwoot, Freshdesk: plus the token)'),
  eventType: z.string(),
  createdAt: isoDate,
  updatedAt: isoDate,
});
export type HelpdeskSourceDto = z.infer<typeof helpdeskSourceDtoSchema>;

export const configuredHelpdeskSourceDtoSchema = helpdeskSourceDtoSchema.extend({
  signatureToken: z
    .string()
    .optional()
    .describe('Zammad only, shown once: the "HMAC SHA1 Signature Token" to paste'),
  urlWithToken: z
    .string()
    .optional()
    .describe('Chatwoot and Freshdesk only, shown once: the URL to paste, token included'),
});
export type ConfiguredHelpdeskSourceDto = z.infer<typeof configuredHelpdeskSourceDtoSchema>;

export const helpdeskIntakeResultSchema = z.object({
  accepted: z.boolean().describe('A solved ticket became an event'),
  eventId: z.uuid().optional(),
  invitations: z.number().int().describe('Invitations the event planned'),
  duplicate: z.boolean().describe('The ticket was reported before; nothing new was stored'),
  ignored: z.string().optional().describe('Why a well-formed call made no event'),
});
export type HelpdeskIntakeResult = z.infer<typeof helpdeskIntakeResultSchema>;
