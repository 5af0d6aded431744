import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { ParsedTicketCall } from '../solved-ticket';
import { definedProperties, helpdeskId, optionalText, parseHelpdeskBody } from '../solved-ticket';

// Zammad signs a trigger's webhook when it has an "HMAC SHA1 Signature Token":
// X-Hub-Signature = sha1=<hex HMAC-SHA1(token, body)>. Headers and the default payload:
// https://github.com/zammad/zammad-admin-documentation/blob/6.0/manage/webhook/payload.rst

export const ZAMMAD_SIGNATURE_HEADER = 'x-hub-signature';

export function zammadSigned(body: Buffer, header: string | undefined, token: string): boolean {
  const match = /^sha1=([0-9a-f]{40})$/i.exec(header?.trim() ?? '');
  if (!match?.[1]) {
    return false;
  }
  const expected = createHmac('sha1', token).update(body).digest();
  return timingSafeEqual(expected, Buffer.from(match[1], 'hex'));
}

const person = z.object({ firstname: optionalText, lastname: optionalText });
const zammadSchema = z.object({
  ticket: z.object({
    id: helpdeskId,
    number: optionalText,
    state: z.string(),
    create_article_type: optionalText,
    customer: person.extend({ email: z.string().trim().min(3) }),
    owner: person.nullish(),
    group: z.object({ name: optionalText }).nullish(),
  }),
});

const fullName = (p: z.output<typeof person> | null | undefined) =>
  [p?.firstname, p?.lastname].filter(Boolean).join(' ') || undefined;

export function parseZammadCall(body: unknown): ParsedTicketCall {
  const { ticket } = parseHelpdeskBody(zammadSchema, body);
  // NOTE: Zammad's "closed" is the solved state; the trigger's condition should say so too.
  if (ticket.state.trim().toLowerCase() !== 'closed') {
    return { ignored: `state ${ticket.state}` };
  }
  return {
    ticket: {
      ticketId: ticket.id,
      email: ticket.customer.email,
      name: fullName(ticket.customer),
      properties: definedProperties({
        ticketId: ticket.number ?? ticket.id,
        agent: fullName(ticket.owner),
        team: ticket.group?.name,
        channel: ticket.create_article_type,
      }),
    },
  };
}
