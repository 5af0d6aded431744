import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Encryption at rest for secrets Glas must read back (webhook signing secrets cannot be
 * hashed: every delivery signs with them). AES-256-GCM under a key derived from GLAS_SECRET,
 * so a database dump alone does not reveal them.
 */
const VERSION = 'v1';

function keyFor(secret: string, purpose: string): Buffer {
  return createHash('sha256').update(`glas:${purpose}:${secret}`).digest();
}

export function sealSecret(secret: string, purpose: string, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyFor(secret, purpose), iv);
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const parts = [iv, cipher.getAuthTag(), data].map((b) => b.toString('base64url'));
  return [VERSION, ...parts].join(':');
}

/** Throws when the value was sealed under another GLAS_SECRET or was tampered with. */
export function openSecret(secret: string, purpose: string, sealed: string): string {
  const [version, iv, tag, data] = sealed.split(':');
  if (version !== VERSION || !iv || !tag || data === undefined) {
    throw new Error('not a sealed secret');
  }
  const decipher = createDecipheriv(
    'aes-256-gcm',
    keyFor(secret, purpose),
    Buffer.from(iv, 'base64url'),
  );
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([
    decipher.update(Buffer.from(data, 'base64url')),
    decipher.final(),
  ]).toString('utf8');
}
