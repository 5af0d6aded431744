import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * HMAC-SHA-256 of a normalized email address under the server secret (GLAS_SECRET). Kept for
 * erased and anonymized people so they are not surveyed again; without the key the hash
 * cannot be tested against a list of addresses (docs/reliability.md).
 */
export function emailKeyedHash(secret: string, email: string): string {
  return createHmac('sha256', secret).update(`email:${email.trim().toLowerCase()}`).digest('hex');
}

/** Hashes an email address for the suppression list; built once from GLAS_SECRET (AppContext.hashEmail). */
export type EmailHasher = (email: string) => string;

export function emailHasher(secret: string): EmailHasher {
  return (email) => emailKeyedHash(secret, email);
}

/** Share token of a report page: derived, never stored; rotating GLAS_SECRET revokes all links. */
export function reportShareToken(secret: string, reportId: string): string {
  return createHmac('sha256', secret).update(`report:${reportId}`).digest('base64url');
}

export function isReportShareToken(secret: string, reportId: string, token: string): boolean {
  const expected = Buffer.from(reportShareToken(secret, reportId));
  const given = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
