import { createHash } from 'node:crypto';

/**
 * Whether a contact is in the sample for one event: a hash of survey, contact and event
 * identity mapped to [0, 1) and compared with the rate. The same inputs always give the
 * same answer, so a retried event is sampled the way the first one was.
 */
export function isSampledIn(rate: number, parts: readonly string[]): boolean {
  if (rate >= 1) {
    return true;
  }
  if (rate <= 0) {
    return false;
  }
  const digest = createHash('sha256').update(parts.join('\u0000')).digest();
  return digest.readUIntBE(0, 6) / 2 ** 48 < rate;
}
