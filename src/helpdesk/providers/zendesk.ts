import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { ParsedTicketCall } from '../solved-ticket';
import {
  definedProperties,
  helpdeskId,
  localeOrUndefined,
  optionalText,
  parseHelpdeskBody,
} from '../solved-ticket';

// Zendesk signs each webhook: X-Zendesk-Webhook-Signature = base64(HMAC-SHA256(secret,
// timestamp + body)) with the timestamp in X-Zendesk-Webhook-Signature-Timestamp
// (https://developer.zendesk.com/documentation/webhooks/verifying/). A trigger webhook's body
// is the JSON the admin writes with placeholders; docs/integrations/zendesk.md gives Glas's.

export const ZENDESK_SIGNATURE_HEADER = 'x-zendesk-webhook-signature';
export const ZENDESK_TIMESTAMP_HEADER = 'x-zendesk-webhook-signature-timestamp';

/** True when the call was signed with the webhook's signing secret. */
export function zendeskSigned(
  body: Buffer,
  signature: string | undefined,
  timestamp: string | undefined,
  secret: string,
): boolean {
  if (!signature || !timestamp || !/^[A-Za-z0-9+/]+=*$/.test(signature)) {
    return false;
  }
  const expected = createHmac('sha256', secret)
    .update(Buffer.concat([Buffer.from(timestamp, 'utf8'), body]))
    .digest();
  const given = Buffer.from(signature, 'base64');
  return given.length === expected.length && timingSafeEqual(expected, given);
}

const zendeskSchema = z.object({
  ticket: z.object({
    id: helpdeskId,
    status: z.string(),
    channel: optionalText,
    assignee: optionalText,
    group: optionalText,
    requester: z.object({
      email: z.string().trim().min(3),
      name: optionalText,
      locale: optionalText,
    }),
  }),
});

export function parseZendeskCall(body: unknown): ParsedTicketCall {
  const { ticket } = parseHelpdeskBody(zendeskSchema, body);
  // NOTE: {{ticket.status}} renders the status' title ("Solved"); a trigger may also fire on close.
  if (!['solved', 'closed'].includes(ticket.status.trim().toLowerCase())) {
    return { ignored: `status ${ticket.status}` };
  }
  return {
    ticket: {
      ticketId: ticket.id,
      email: ticket.requester.email,
      name: ticket.requester.name,
      locale: localeOrUndefined(ticket.requester.locale),
      properties: definedProperties({
        ticketId: ticket.id,
        agent: ticket.assignee,
        team: ticket.group,
        channel: ticket.channel,
      }),
    },
  };
}
