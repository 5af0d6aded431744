import { z } from 'zod';
import { sendgridKey } from './providers/sendgrid';

const isoDate = z.iso.datetime({ offset: true });
const noControl = (s: string) => ![...s].some((c) => c.charCodeAt(0) < 32 || c === '\x7f');

export const bounceProviderSchema = z.enum(['postmark', 'mailgun', 'sendgrid', 'ses']);
export type BounceProviderName = z.infer<typeof bounceProviderSchema>;
export const bounceProviderParamsSchema = z.strictObject({ provider: bounceProviderSchema });
export const bounceIntakeParamsSchema = z.strictObject({
  provider: bounceProviderSchema,
  sourceId: z.uuid(),
});

/** What each provider needs to have its calls checked; the body's shape depends on the path. */
export const configureBounceSourceBodySchemas = {
  postmark: z.strictObject({}).describe('Glas makes the basic-auth password and shows it once'),
  mailgun: z.strictObject({
    signingKey: z
      .string()
      .trim()
      .min(16)
      .max(200)
      .refine(noControl, 'must not contain control characters')
      .describe('Mailgun "HTTP webhook signing key" (Sending → Webhooks)'),
  }),
  sendgrid: z.strictObject({
    verificationKey: z
      .string()
      .trim()
      .max(2000)
      .refine((s) => sendgridKey(s) !== null, 'must be the ECDSA public key SendGrid shows')
      .describe('SendGrid Signed Event Webhook "Verification Key" (base64)'),
  }),
  ses: z.strictObject({
    topicArn: z
      .string()
      .regex(
        /^arn:aws:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/,
        'must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>)',
      )
      .describe('The SNS topic SES publishes bounces and complaints to'),
  }),
} as const;
export const configureBounceSourceBodySchema = z.union([
  configureBounceSourceBodySchemas.mailgun,
  configureBounceSourceBodySchemas.sendgrid,
  configureBounceSourceBodySchemas.ses,
  configureBounceSourceBodySchemas.postmark,
]);
export type ConfigureBounceSourceBody = Partial<{
  signingKey: string;
  verificationKey: string;
  topicArn: string;
}>;

export const bounceSourceDtoSchema = z.object({
  provider: bounceProviderSchema,
  url: z.string().describe('Where the provider must send its webhooks'),
  topicArn: z.string().nullable(),
  createdAt: isoDate,
  updatedAt: isoDate,
});
export type BounceSourceDto = z.infer<typeof bounceSourceDtoSchema>;

export const configuredBounceSourceDtoSchema = bounceSourceDtoSchema.extend({
  password: z.string().optional().describe('Postmark only, shown once: the basic-auth password'),
  urlWithCredentials: z
    .string()
    .optional()
    .describe('Postmark only, shown once: the URL to paste, credentials included'),
});
export type ConfiguredBounceSourceDto = z.infer<typeof configuredBounceSourceDtoSchema>;

export const bounceIntakeResultSchema = z.object({
  received: z.number().int().describe('Events in the call'),
  suppressed: z.number().int().describe('Addresses newly put on the bounce list'),
  duplicates: z.number().int().describe('Events already received before (same provider id)'),
  ignored: z.number().int().describe('Events that do not suppress (soft bounces, deliveries…)'),
  subscriptionConfirmed: z.boolean().optional(),
});
export type BounceIntakeResult = z.infer<typeof bounceIntakeResultSchema>;
