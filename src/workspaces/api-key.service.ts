import type { Kysely } from 'kysely';
import type { ApiKeyRole, Database } from '../../db/schema';
import { hashToken } from '../platform/tokens';
import { KEY_PREFIX, newApiKey } from './api-key-format';
import type { ApiKeyAuth, ApiKeyCache } from './api-key-cache';
import {
  findActiveApiKey,
  insertApiKey,
  listApiKeysOf,
  markApiKeyRevoked,
  markApiKeyUsed,
} from './api-key.repository';

export interface CreatedApiKey {
  id: string;
  name: string;
  role: ApiKeyRole;
  /** The only time the key is visible: it is stored hashed. */
  key: string;
}

export async function createApiKey(
  db: Kysely<Database>,
  workspaceId: string,
  input: { name: string; role: ApiKeyRole },
): Promise<CreatedApiKey> {
  const key = newApiKey();
  const row = await insertApiKey(db, {
    workspaceId,
    name: input.name,
    role: input.role,
    keyHash: hashToken(key),
    keyPrefix: key.slice(0, KEY_PREFIX.length + 6),
  });
  return { ...row, key };
}

/**
 * Returns the key's workspace and role, or undefined when the key is unknown or revoked. With
 * a cache, a key seen within its TTL is answered without a statement (see ApiKeyCache).
 */
export async function authenticateApiKey(
  db: Kysely<Database>,
  key: string,
  now: Date,
  cache?: ApiKeyCache,
): Promise<ApiKeyAuth | undefined> {
  const keyHash = hashToken(key);
  const cached = cache?.get(keyHash);
  if (cached) {
    return cached;
  }
  const row = await findActiveApiKey(db, keyHash);
  if (!row) {
    return undefined;
  }
  // NOTE: last_used_at is refreshed at most once a minute to keep the hot path read-only.
  if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() > 60_000) {
    await markApiKeyUsed(db, row.id, now);
  }
  const auth = { workspaceId: row.workspace_id, role: row.role, keyId: row.id };
  cache?.set(keyHash, auth);
  return auth;
}

export interface ApiKeyDto {
  id: string;
  name: string;
  role: ApiKeyRole;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** The workspace's keys, newest first; the key itself is never readable again. */
export async function listApiKeys(db: Kysely<Database>, workspaceId: string): Promise<ApiKeyDto[]> {
  const rows = await listApiKeysOf(db, workspaceId);
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    role: r.role,
    prefix: r.key_prefix,
    createdAt: r.created_at.toISOString(),
    lastUsedAt: r.last_used_at?.toISOString() ?? null,
    revokedAt: r.revoked_at?.toISOString() ?? null,
  }));
}

/**
 * Revokes a key at once in this process (its cache entry goes); other API processes see it
 * within their API_KEY_CACHE_MS. Revoking twice is harmless.
 */
export async function revokeApiKey(
  db: Kysely<Database>,
  workspaceId: string,
  id: string,
  now: Date,
  cache?: ApiKeyCache,
): Promise<boolean> {
  const found = await markApiKeyRevoked(db, workspaceId, id, now);
  cache?.evictKey(id);
  return found;
}
