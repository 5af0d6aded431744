import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { BounceReport, ParsedCall } from '../bounce-report';
import { parseProviderBody, providerEmail } from '../bounce-report';

// Postmark does not sign webhooks; it sends the basic-auth credentials put in the webhook URL
// (https://postmarkapp.com/developer/webhooks/webhooks-overview, "Protecting your webhook").
// Payloads: https://postmarkapp.com/developer/webhooks/bounce-webhook and
// https://postmarkapp.com/developer/webhooks/spam-complaint-webhook.

export const POSTMARK_USER = 'glas';

// Types that mean the address will not take mail (Postmark's BounceType list, postmark.js
// dist/client/models/bounces/Bounce.d.ts); soft and transient ones are left alone.
const HARD_TYPES = new Set(['HardBounce', 'BadEmailAddress', 'ManuallyDeactivated']);

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** True when the Authorization header carries `glas:<password>`. */
export function postmarkAuthorized(header: string | undefined, password: string): boolean {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/.exec(header ?? '');
  if (!match?.[1]) {
    return false;
  }
  const given = Buffer.from(match[1], 'base64').toString('utf8');
  return timingSafeEqual(digest(given), digest(`${POSTMARK_USER}:${password}`));
}

const recordSchema = z.object({
  RecordType: z.string(),
  ID: z.union([z.string().regex(/^\d+$/), z.number().int()]),
  Type: z.string().optional(),
  Email: z.string().optional(),
});
const reportSchema = z.object({ Email: providerEmail, Type: z.string() });

/**
 * Postmark's IDs are 64-bit (the documented sample is 4323372036854775807), beyond what a JS
 * number holds; quoting them before JSON.parse keeps the id exact.
 */
export function parsePostmarkJson(raw: string): unknown {
  return JSON.parse(raw.replace(/("ID"\s*:\s*)(\d+)(?=\s*[,}])/g, '$1"$2"'));
}

export function parsePostmarkCall(body: unknown): ParsedCall {
  const record = parseProviderBody(recordSchema, body);
  const isComplaint = record.RecordType === 'SpamComplaint';
  if (record.RecordType !== 'Bounce' && !isComplaint) {
    return { reports: [], ignored: 1 };
  }
  const { Email, Type } = parseProviderBody(reportSchema, body);
  if (!isComplaint && !HARD_TYPES.has(Type)) {
    return { reports: [], ignored: 1 };
  }
  const report: BounceReport = {
    eventId: `${record.RecordType}:${String(record.ID)}`,
    kind: isComplaint ? 'complaint' : 'bounce',
    detail: Type,
    emails: [Email],
  };
  return { reports: [report], ignored: 0 };
}
