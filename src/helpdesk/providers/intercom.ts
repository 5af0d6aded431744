import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { ParsedTicketCall } from '../solved-ticket';
import { definedProperties, helpdeskId, optionalText, parseHelpdeskBody } from '../solved-ticket';

// Intercom signs each webhook notification: X-Hub-Signature = sha1=<hex HMAC-SHA1(the app's
// client secret, body)>. The envelope (`notification_event` with `topic` and `data.item`) and the
// conversation topics: https://developers.intercom.com/docs/references/webhooks/webhook-models

export const INTERCOM_SIGNATURE_HEADER = 'x-hub-signature';
export const INTERCOM_CLOSED_TOPIC = 'conversation.admin.closed';

export function intercomSigned(body: Buffer, header: string | undefined, secret: string): boolean {
  const match = /^sha1=([0-9a-f]{40})$/i.exec(header?.trim() ?? '');
  if (!match?.[1]) {
    return false;
  }
  const expected = createHmac('sha1', secret).update(body).digest();
  return timingSafeEqual(expected, Buffer.from(match[1], 'hex'));
}

const envelopeSchema = z.object({ type: z.literal('notification_event'), topic: z.string() });
const author = z.object({ type: z.string().optional(), name: optionalText });
const closedSchema = z.object({
  data: z.object({
    item: z.object({
      id: helpdeskId,
      admin_assignee_id: optionalText,
      team_assignee_id: optionalText,
      source: z.object({
        type: optionalText,
        author: author.extend({ email: z.string().trim().min(3) }),
      }),
      conversation_parts: z
        .object({ conversation_parts: z.array(z.object({ part_type: optionalText, author })) })
        .nullish(),
    }),
  }),
});

export function parseIntercomCall(body: unknown): ParsedTicketCall {
  const { topic } = parseHelpdeskBody(envelopeSchema, body);
  if (topic !== INTERCOM_CLOSED_TOPIC) {
    // Includes the `ping` Intercom sends when the webhook is saved.
    return { ignored: `topic ${topic}` };
  }
  const { item } = parseHelpdeskBody(closedSchema, body).data;
  const closer = item.conversation_parts?.conversation_parts.find((p) => p.part_type === 'close');
  return {
    ticket: {
      ticketId: item.id,
      email: item.source.author.email,
      name: item.source.author.name,
      properties: definedProperties({
        ticketId: item.id,
        agent: closer?.author.name ?? item.admin_assignee_id,
        // NOTE: the notification names the team by id only; Glas does not call Intercom's API.
        team: item.team_assignee_id,
        channel: item.source.type,
      }),
    },
  };
}
