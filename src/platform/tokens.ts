import { createHash, randomBytes } from 'node:crypto';

/** 32 random bytes, base64url: 256 bits, above OWASP's 128-bit floor for self-made tokens. */
export function newToken(prefix = ''): string {
  return prefix + randomBytes(32).toString('base64url');
}

/** Tokens and API keys are stored only as SHA-256; their entropy makes a slow hash unnecessary. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
