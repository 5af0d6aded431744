import { z } from 'zod';
import type { ParsedTicketCall } from '../solved-ticket';
import {
  definedProperties,
  helpdeskId,
  localeOrUndefined,
  optionalText,
  parseHelpdeskBody,
} from '../solved-ticket';

// Chatwoot's account webhooks carry no signature in its stable releases, so the URL holds a
// secret token. conversation_resolved payload:
// https://github.com/chatwoot/docs/blob/main/docs/product/others/webhook-events.md

const eventSchema = z.object({ event: z.string() });
const resolvedSchema = z.object({
  id: helpdeskId,
  channel: optionalText,
  additional_attributes: z.object({ browser_language: optionalText }).nullish(),
  meta: z.object({
    sender: z.object({ email: z.string().trim().min(3), name: optionalText }),
    assignee: z.object({ name: optionalText }).nullish(),
    team: z.object({ name: optionalText }).nullish(),
  }),
});

export function parseChatwootCall(body: unknown): ParsedTicketCall {
  const { event } = parseHelpdeskBody(eventSchema, body);
  if (event !== 'conversation_resolved') {
    return { ignored: `event ${event}` };
  }
  const c = parseHelpdeskBody(resolvedSchema, body);
  return {
    ticket: {
      ticketId: c.id,
      email: c.meta.sender.email,
      name: c.meta.sender.name,
      locale: localeOrUndefined(c.additional_attributes?.browser_language),
      properties: definedProperties({
        ticketId: c.id,
        agent: c.meta.assignee?.name,
        team: c.meta.team?.name,
        // "Channel::WebWidget" reads better as "WebWidget" in a segment list.
        channel: c.channel?.replace(/^Channel::/, ''),
      }),
    },
  };
}
