import { X509Certificate, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { TextFetcher } from '../platform/https-fetch';

// Amazon SNS message signatures, as "Verifying the signatures of Amazon SNS messages" describes
// (https://docs.aws.amazon.com/sns/latest/dg/sns-verify-signature-of-message.html).

export interface SnsMessage {
  Type: string;
  MessageId: string;
  TopicArn: string;
  Message: string;
  Timestamp: string;
  Subject?: string;
  Token?: string;
  SubscribeURL?: string;
  SignatureVersion: string;
  Signature: string;
  SigningCertURL: string;
}

const NOTIFICATION_FIELDS = ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'];
const CONFIRMATION_FIELDS = [
  'Message',
  'MessageId',
  'SubscribeURL',
  'Timestamp',
  'Token',
  'TopicArn',
  'Type',
];
const ALGORITHMS: Record<string, string> = { '1': 'RSA-SHA1', '2': 'RSA-SHA256' };

/** SNS's own hosts only: https, sns.<region>.amazonaws.com, no port or credentials. */
export function snsUrl(raw: unknown): URL | null {
  if (typeof raw !== 'string') {
    return null;
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  const ok =
    url.protocol === 'https:' &&
    /^sns\.[a-z0-9-]+\.amazonaws\.com$/.test(url.hostname) &&
    url.port === '' &&
    url.username === '' &&
    url.password === '';
  return ok ? url : null;
}

/** Name-value lines in the documented order; Subject only when present. */
export function snsStringToSign(msg: Record<string, unknown>): string | null {
  const fields = msg.Type === 'Notification' ? NOTIFICATION_FIELDS : CONFIRMATION_FIELDS;
  let out = '';
  for (const name of fields) {
    const value = msg[name];
    if (value === undefined && name === 'Subject') {
      continue;
    }
    if (typeof value !== 'string') {
      return null;
    }
    out += `${name}\n${value}\n`;
  }
  return out;
}

// NOTE: certificates are public and rarely rotate; a small per-fetcher cache spares a fetch per call.
const caches = new WeakMap<TextFetcher, Map<string, KeyObject>>();
const CACHE_SIZE = 32;

async function signingKey(fetch: TextFetcher, url: URL, now: Date): Promise<KeyObject | null> {
  let cache = caches.get(fetch);
  if (!cache) {
    cache = new Map();
    caches.set(fetch, cache);
  }
  const cached = cache.get(url.href);
  if (cached) {
    return cached;
  }
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(await fetch(url));
  } catch {
    return null;
  }
  if (now < new Date(cert.validFrom) || now > new Date(cert.validTo)) {
    return null;
  }
  if (cache.size >= CACHE_SIZE) {
    cache.clear();
  }
  cache.set(url.href, cert.publicKey);
  return cert.publicKey;
}

/**
 * True when `msg` carries a valid SignatureVersion 1 (SHA1) or 2 (SHA256) signature from the
 * certificate at its SigningCertURL, which must be on an SNS host and is fetched over HTTPS
 * (so TLS vouches that Amazon served it).
 */
export async function verifySnsMessage(
  msg: Record<string, unknown>,
  fetch: TextFetcher,
  now: Date,
): Promise<boolean> {
  const algorithm = ALGORITHMS[String(msg.SignatureVersion)];
  const certUrl = snsUrl(msg.SigningCertURL);
  const text = snsStringToSign(msg);
  if (!algorithm || !certUrl || !certUrl.pathname.endsWith('.pem') || text === null) {
    return false;
  }
  if (typeof msg.Signature !== 'string' || msg.Signature === '') {
    return false;
  }
  const key = await signingKey(fetch, certUrl, now);
  if (!key) {
    return false;
  }
  try {
    return verify(algorithm, Buffer.from(text, 'utf8'), key, Buffer.from(msg.Signature, 'base64'));
  } catch {
    return false;
  }
}
