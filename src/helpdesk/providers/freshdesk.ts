import { z } from 'zod';
import type { ParsedTicketCall } from '../solved-ticket';
import { definedProperties, helpdeskId, optionalText, parseHelpdeskBody } from '../solved-ticket';

// Freshdesk does not sign the "Trigger webhook" action of an automation rule, so the URL holds
// a secret token. The body is the JSON the admin writes with Freshdesk's placeholders
// (https://support.freshdesk.com/support/solutions/articles/132589-using-webhooks-in-automation-rules);
// docs/integrations/freshdesk.md gives Glas's, wrapped in `freshdesk_webhook` as in Freshdesk's
// own "Simple" content mode.

const freshdeskSchema = z.object({
  freshdesk_webhook: z.object({
    ticket_id: helpdeskId,
    ticket_status: z.string(),
    ticket_source: optionalText,
    ticket_agent_name: optionalText,
    ticket_group_name: optionalText,
    ticket_contact_email: z.string().trim().min(3),
    ticket_contact_name: optionalText,
  }),
});

export function parseFreshdeskCall(body: unknown): ParsedTicketCall {
  const t = parseHelpdeskBody(freshdeskSchema, body).freshdesk_webhook;
  if (!['resolved', 'closed'].includes(t.ticket_status.trim().toLowerCase())) {
    return { ignored: `status ${t.ticket_status}` };
  }
  return {
    ticket: {
      ticketId: t.ticket_id,
      email: t.ticket_contact_email,
      name: t.ticket_contact_name,
      properties: definedProperties({
        ticketId: t.ticket_id,
        agent: t.ticket_agent_name,
        team: t.ticket_group_name,
        channel: t.ticket_source,
      }),
    },
  };
}
