import { randomBytes } from 'node:crypto';

export const KEY_PREFIX = 'glas_';
const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const KEY_CHARS = 32;
/** What Delighted's Ruby client can carry: `["key:"].pack('m')` breaks lines after 45 bytes. */
export const DELIGHTED_KEY_MAX = 44;

/**
 * `glas_` + 32 base62 characters (≈190 bits), 37 in all, so every Delighted client can send
 * it. Keys made before (48 characters) still verify: only their hash is looked up.
 */
export function newApiKey(): string {
  const length = KEY_PREFIX.length + KEY_CHARS;
  let key = KEY_PREFIX;
  while (key.length < length) {
    for (const byte of randomBytes(KEY_CHARS)) {
      // 248 = 4 × 62: larger bytes are dropped so every character is equally likely.
      if (byte < 248 && key.length < length) {
        key += BASE62[byte % 62];
      }
    }
  }
  return key;
}
