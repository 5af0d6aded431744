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

// A HubSpot workflow's "Send a webhook" action, with "Include request signature in header",
// signs with the app's client secret, v3 scheme: X-HubSpot-Signature-v3 =
// base64(HMAC-SHA256(secret, method + full URL + body + X-HubSpot-Request-Timestamp)), and a
// timestamp older than five minutes is refused
// (https://developers.hubspot.com/docs/guides/apps/authentication/validating-requests;
// the action: https://knowledge.hubspot.com/workflows/how-do-i-use-webhooks-with-hubspot-workflows).

export const HUBSPOT_SIGNATURE_HEADER = 'x-hubspot-signature-v3';
export const HUBSPOT_TIMESTAMP_HEADER = 'x-hubspot-request-timestamp';
const MAX_AGE_MS = 5 * 60_000;

export function hubspotSigned(
  call: { method: string; url: string; body: Buffer; signature?: string; timestamp?: string },
  secret: string,
  now: Date,
): boolean {
  const { signature, timestamp } = call;
  if (!signature || !timestamp || !/^\d{1,16}$/.test(timestamp)) {
    return false;
  }
  if (Math.abs(now.getTime() - Number(timestamp)) > MAX_AGE_MS) {
    return false;
  }
  const expected = createHmac('sha256', secret)
    .update(Buffer.concat([Buffer.from(call.method + call.url, 'utf8'), call.body]))
    .update(timestamp, 'utf8')
    .digest();
  const given = Buffer.from(signature, 'base64');
  return given.length === expected.length && timingSafeEqual(expected, given);
}

// The "Customize request body" keys docs/integrations/hubspot.md asks for.
const hubspotSchema = z.object({
  ticketId: helpdeskId,
  email: z.string().trim().min(3),
  firstName: optionalText,
  lastName: optionalText,
  language: optionalText,
  owner: optionalText,
  team: optionalText,
  channel: optionalText,
});

export function parseHubspotCall(body: unknown): ParsedTicketCall {
  const t = parseHelpdeskBody(hubspotSchema, body);
  return {
    ticket: {
      ticketId: t.ticketId,
      email: t.email,
      name: [t.firstName, t.lastName].filter(Boolean).join(' ') || undefined,
      locale: localeOrUndefined(t.language),
      properties: definedProperties({
        ticketId: t.ticketId,
        agent: t.owner,
        team: t.team,
        channel: t.channel,
      }),
    },
  };
}
