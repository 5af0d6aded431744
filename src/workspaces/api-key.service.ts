import type { Kysely } from 'kysely';
import type { ApiKeyRole, Database } from '../../db/schema';
import { hashToken, newToken } from '../platform/tokens';

const KEY_PREFIX = 'glas_';

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
  const key = newToken(KEY_PREFIX);
  const row = await db
    .insertInto('api_keys')
    .values({
      workspace_id: workspaceId,
      name: input.name,
      role: input.role,
      key_hash: hashToken(key),
      key_prefix: key.slice(0, KEY_PREFIX.length + 6),
    })
    .returning(['id', 'name', 'role'])
    .executeTakeFirstOrThrow();
  return { ...row, key };
}

/** Returns the key's workspace and role, or undefined when the key is unknown or revoked. */
export async function authenticateApiKey(db: Kysely<Database>, key: string, now: Date) {
  const row = await db
    .selectFrom('api_keys')
    .select(['id', 'workspace_id', 'role', 'last_used_at'])
    .where('key_hash', '=', hashToken(key))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row) {
    return undefined;
  }
  // NOTE: last_used_at is refreshed at most once a minute to keep the hot path read-only.
  if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() > 60_000) {
    await db.updateTable('api_keys').set({ last_used_at: now }).where('id', '=', row.id).execute();
  }
  return { workspaceId: row.workspace_id, role: row.role, keyId: row.id };
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
  const rows = await db
    .selectFrom('api_keys')
    .select(['id', 'name', 'role', 'key_prefix', 'created_at', 'last_used_at', 'revoked_at'])
    .where('workspace_id', '=', workspaceId)
    .orderBy('revoked_at', (ob) => ob.desc().nullsFirst())
    .orderBy('created_at', 'desc')
    .execute();
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

/** Revokes a key at once (auth reads revoked_at on every request). Revoking twice is harmless. */
export async function revokeApiKey(
  db: Kysely<Database>,
  workspaceId: string,
  id: string,
  now: Date,
): Promise<boolean> {
  const row = await db
    .updateTable('api_keys')
    .set((eb) => ({ revoked_at: eb.fn.coalesce('revoked_at', eb.val(now)) }))
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .returning('id')
    .executeTakeFirst();
  return !!row;
}
