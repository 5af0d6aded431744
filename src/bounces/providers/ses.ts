import { z } from 'zod';
import { ValidationError } from '../../errors';
import type { ParsedCall } from '../bounce-report';
import { parseProviderBody, providerEmail } from '../bounce-report';

// Amazon SES feedback published to SNS: the SNS envelope
// (https://docs.aws.amazon.com/sns/latest/dg/sns-message-and-json-formats.html) carries the
// SES notification as a JSON string in `Message`
// (https://docs.aws.amazon.com/ses/latest/dg/notification-contents.html). Notifications name
// the type `notificationType`; event publishing names it `eventType`. Both are read.

export const snsEnvelopeSchema = z.object({
  Type: z.enum(['Notification', 'SubscriptionConfirmation', 'UnsubscribeConfirmation']),
  MessageId: z.string().min(1),
  TopicArn: z.string().min(1),
  Message: z.string(),
  SubscribeURL: z.string().optional(),
});

const kindSchema = z
  .object({ notificationType: z.string().optional(), eventType: z.string().optional() })
  .refine((m) => m.notificationType ?? m.eventType, {
    message: 'notificationType or eventType is required',
    path: ['notificationType'],
  });
const recipients = z.array(z.object({ emailAddress: providerEmail })).min(1);
const bounceSchema = z.object({
  bounce: z.object({
    bounceType: z.string(),
    bounceSubType: z.string().optional(),
    feedbackId: z.string().min(1),
    bouncedRecipients: recipients,
  }),
});
const complaintSchema = z.object({
  complaint: z.object({
    feedbackId: z.string().min(1),
    complaintFeedbackType: z.string().optional(),
    complainedRecipients: recipients,
  }),
});

/** Reads the SES notification inside a verified SNS Notification's `Message`. */
export function parseSesNotification(message: string): ParsedCall {
  let body: unknown;
  try {
    body = JSON.parse(message);
  } catch {
    throw new ValidationError([
      { field: 'Message', issue: 'must be an SES notification in JSON', location: 'body' },
    ]);
  }
  const kinds = parseProviderBody(kindSchema, body);
  const kind = kinds.notificationType ?? kinds.eventType;
  if (kind === 'Bounce') {
    const { bounce } = parseProviderBody(bounceSchema, body);
    // NOTE: Transient and Undetermined bounces may still deliver later; only Permanent suppresses.
    if (bounce.bounceType !== 'Permanent') {
      return { reports: [], ignored: 1 };
    }
    return {
      reports: [
        {
          eventId: bounce.feedbackId,
          kind: 'bounce',
          detail: `${bounce.bounceType}/${bounce.bounceSubType ?? 'General'}`,
          emails: bounce.bouncedRecipients.map((r) => r.emailAddress),
        },
      ],
      ignored: 0,
    };
  }
  if (kind === 'Complaint') {
    const { complaint } = parseProviderBody(complaintSchema, body);
    return {
      reports: [
        {
          eventId: complaint.feedbackId,
          kind: 'complaint',
          detail: complaint.complaintFeedbackType ?? 'complaint',
          emails: complaint.complainedRecipients.map((r) => r.emailAddress),
        },
      ],
      ignored: 0,
    };
  }
  return { reports: [], ignored: 1 };
}
