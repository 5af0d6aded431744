import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { ParsedCall } from '../bounce-report';
import { parseProviderBody, providerEmail } from '../bounce-report';

// Mailgun signs each webhook in its body: hex HMAC-SHA256 of timestamp + token under the
// HTTP webhook signing key (https://documentation.mailgun.com/docs/mailgun/user-manual/webhooks/securing-webhooks).
// Events: https://documentation.mailgun.com/docs/mailgun/user-manual/events/ ("failed" with
// severity permanent or temporary, "complained").

const signatureSchema = z.object({
  timestamp: z.union([z.string(), z.number()]).transform(String),
  token: z.string(),
  signature: z.string(),
});

/** True when the body's `signature` block was made with `signingKey`. */
export function mailgunSigned(body: unknown, signingKey: string): boolean {
  const parsed = signatureSchema.safeParse((body as { signature?: unknown } | null)?.signature);
  if (!parsed.success || !/^[0-9a-f]{64}$/i.test(parsed.data.signature)) {
    return false;
  }
  const { timestamp, token, signature } = parsed.data;
  const expected = createHmac('sha256', signingKey)
    .update(timestamp + token)
    .digest();
  return timingSafeEqual(expected, Buffer.from(signature, 'hex'));
}

const eventSchema = z.object({
  'event-data': z.object({ id: z.string().min(1), event: z.string() }),
});
const failureSchema = z.object({
  'event-data': z.object({ recipient: providerEmail, severity: z.string() }),
});
const complaintSchema = z.object({ 'event-data': z.object({ recipient: providerEmail }) });

export function parseMailgunCall(body: unknown): ParsedCall {
  const { id, event } = parseProviderBody(eventSchema, body)['event-data'];
  if (event === 'complained') {
    const { recipient } = parseProviderBody(complaintSchema, body)['event-data'];
    return {
      reports: [{ eventId: id, kind: 'complaint', detail: 'complained', emails: [recipient] }],
      ignored: 0,
    };
  }
  if (event === 'failed') {
    const { recipient, severity } = parseProviderBody(failureSchema, body)['event-data'];
    if (severity === 'permanent') {
      return {
        reports: [{ eventId: id, kind: 'bounce', detail: 'failed/permanent', emails: [recipient] }],
        ignored: 0,
      };
    }
  }
  return { reports: [], ignored: 1 };
}
