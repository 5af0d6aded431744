import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { ParsedTicketCall } from '../solved-ticket';
import { definedProperties, helpdeskId, optionalText, parseHelpdeskBody } from '../solved-ticket';

// FreeScout's API & Webhooks module posts the Conversation object for `convo.status` (the
// event in X-FreeScout-Event) and signs it: X-FreeScout-Signature = base64 of the HMAC-SHA1
// of the body, keyed with md5(APP_KEY . "webhook_key") of the FreeScout install
// (https://freescout.net/module/api-webhooks/; Modules/ApiWebhooks/Entities/Webhook.php).

export const FREESCOUT_SIGNATURE_HEADER = 'x-freescout-signature';
export const FREESCOUT_EVENT_HEADER = 'x-freescout-event';

export function freescoutSigned(body: Buffer, header: string | undefined, key: string): boolean {
  const given = Buffer.from(header?.trim() ?? '', 'base64');
  const expected = createHmac('sha1', key).update(body).digest();
  return given.length === expected.length && timingSafeEqual(expected, given);
}

const freescoutSchema = z.object({
  id: helpdeskId,
  number: helpdeskId.optional(),
  status: z.string(),
  type: optionalText,
  mailboxId: helpdeskId.optional(),
  customer: z.object({
    email: z.string().trim().min(3),
    firstName: optionalText,
    lastName: optionalText,
  }),
  assignee: z.object({ first: optionalText, last: optionalText }).nullish(),
});

const fullName = (first?: string, last?: string) =>
  [first, last].filter(Boolean).join(' ') || undefined;

export function parseFreescoutCall(event: string | undefined, body: unknown): ParsedTicketCall {
  if (event !== undefined && event.trim() !== 'convo.status') {
    return { ignored: `event ${event}` };
  }
  const convo = parseHelpdeskBody(freescoutSchema, body);
  if (convo.status.trim().toLowerCase() !== 'closed') {
    return { ignored: `status ${convo.status}` };
  }
  return {
    ticket: {
      ticketId: convo.id,
      email: convo.customer.email,
      name: fullName(convo.customer.firstName, convo.customer.lastName),
      properties: definedProperties({
        ticketId: convo.number ?? convo.id,
        agent: fullName(convo.assignee?.first, convo.assignee?.last),
        team: convo.mailboxId === undefined ? undefined : `mailbox ${convo.mailboxId}`,
        channel: convo.type,
      }),
    },
  };
}
