import { createPublicKey, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { z } from 'zod';
import type { BounceReport, ParsedCall } from '../bounce-report';
import { ValidationError } from '../../errors';
import { parseProviderBody, providerEmail } from '../bounce-report';

// SendGrid's Signed Event Webhook: an ECDSA (P-256) signature, base64 DER, over the timestamp
// header followed by the raw body, checked with the account's verification key (base64
// SubjectPublicKeyInfo DER) (https://www.twilio.com/docs/sendgrid/for-developers/tracking-events/getting-started-event-webhook-security-features).
// Events: https://www.twilio.com/docs/sendgrid/for-developers/tracking-events/event
// ("bounce" with type bounce or blocked, "spamreport").

export const SENDGRID_SIGNATURE_HEADER = 'x-twilio-email-event-webhook-signature';
export const SENDGRID_TIMESTAMP_HEADER = 'x-twilio-email-event-webhook-timestamp';

/** The verification key as SendGrid shows it (base64 DER, or PEM); null when it is not one. */
export function sendgridKey(text: string): KeyObject | null {
  try {
    const trimmed = text.trim();
    const key = trimmed.startsWith('-----BEGIN')
      ? createPublicKey(trimmed)
      : createPublicKey({ key: Buffer.from(trimmed, 'base64'), format: 'der', type: 'spki' });
    return key.asymmetricKeyType === 'ec' ? key : null;
  } catch {
    return null;
  }
}

export function sendgridSigned(
  raw: Buffer,
  signature: string | undefined,
  timestamp: string | undefined,
  verificationKey: string,
): boolean {
  const key = sendgridKey(verificationKey);
  if (!key || !signature || !timestamp) {
    return false;
  }
  try {
    return verify(
      'sha256',
      Buffer.concat([Buffer.from(timestamp, 'utf8'), raw]),
      { key, dsaEncoding: 'der' },
      Buffer.from(signature, 'base64'),
    );
  } catch {
    return false;
  }
}

const eventsSchema = z
  .array(
    z.object({
      event: z.string(),
      sg_event_id: z.string().min(1),
      email: z.unknown(),
      type: z.string().optional(),
    }),
  )
  .min(1);

export function parseSendgridCall(body: unknown): ParsedCall {
  const events = parseProviderBody(eventsSchema, body);
  const reports: BounceReport[] = [];
  let ignored = 0;
  const missing: { field: string; issue: string; location: 'body' }[] = [];
  events.forEach((e, i) => {
    // NOTE: a "bounce" of type "blocked" is SendGrid's soft bounce, not a dead address.
    const suppresses = e.event === 'spamreport' || (e.event === 'bounce' && e.type !== 'blocked');
    if (!suppresses) {
      ignored += 1;
      return;
    }
    const email = providerEmail.safeParse(e.email);
    if (!email.success) {
      missing.push({
        field: `${i}.email`,
        issue: 'a bounce or spamreport needs an address',
        location: 'body',
      });
      return;
    }
    reports.push({
      eventId: e.sg_event_id,
      kind: e.event === 'spamreport' ? 'complaint' : 'bounce',
      detail: e.event === 'spamreport' ? 'spamreport' : `bounce/${e.type ?? 'bounce'}`,
      emails: [email.data],
    });
  });
  if (missing.length > 0) {
    throw new ValidationError(missing, 'The provider payload is not of a known shape.');
  }
  return { reports, ignored };
}
