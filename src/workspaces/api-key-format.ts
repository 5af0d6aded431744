import { newBase62Token } from '../platform/tokens';

export const KEY_PREFIX = 'glas_';
/** What Delighted's Ruby client can carry: `["key:"].pack('m')` breaks lines after 45 bytes. */
export const DELIGHTED_KEY_MAX = 44;

/**
 * `glas_` + 32 base62 characters (≈190 bits), 37 in all, so every Delighted client can send
 * it. Keys made before (48 characters) still verify: only their hash is looked up.
 */
export function newApiKey(): string {
  return newBase62Token(KEY_PREFIX, 32);
}
