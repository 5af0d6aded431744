import type { Kysely } from 'kysely';
import type { ApiKeyRole, Database } from '../../db/schema';
import { hashToken, newToken } from './tokens';

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
