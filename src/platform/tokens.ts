import { createHash, randomBytes } from 'node:crypto';

/** 32 random bytes, base64url: 256 bits, above OWASP's 128-bit floor for self-made tokens. */
export function newToken(prefix = ''): string {
  return prefix + randomBytes(32).toString('base64url');
}

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * `prefix` + `chars` uniformly random base62 characters (log2 62 ≈ 5.95 bits each), for
 * secrets that must stay short and carry no punctuation (API keys that Delighted clients send).
 */
export function newBase62Token(prefix: string, chars: number): string {
  let token = prefix;
  while (token.length < prefix.length + chars) {
    for (const byte of randomBytes(chars)) {
      // 248 = 4 × 62: larger bytes are dropped so every character is equally likely.
      if (byte < 248 && token.length < prefix.length + chars) {
        token += BASE62[byte % 62];
      }
    }
  }
  return token;
}

/** Tokens and API keys are stored only as SHA-256; their entropy makes a slow hash unnecessary. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
