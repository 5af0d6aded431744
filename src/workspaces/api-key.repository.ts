import type { Kysely } from 'kysely';
import type { ApiKeyRole, Database } from '../../db/schema';

export async function insertApiKey(
  db: Kysely<Database>,
  row: { workspaceId: string; name: string; role: ApiKeyRole; keyHash: string; keyPrefix: string },
) {
  return db
    .insertInto('api_keys')
    .values({
      workspace_id: row.workspaceId,
      name: row.name,
      role: row.role,
      key_hash: row.keyHash,
      key_prefix: row.keyPrefix,
    })
    .returning(['id', 'name', 'role'])
    .executeTakeFirstOrThrow();
}

/** The unrevoked key with this hash. */
export async function findActiveApiKey(db: Kysely<Database>, keyHash: string) {
  return db
    .selectFrom('api_keys')
    .select(['id', 'workspace_id', 'role', 'last_used_at'])
    .where('key_hash', '=', keyHash)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
}

export async function markApiKeyUsed(db: Kysely<Database>, id: string, now: Date): Promise<void> {
  await db.updateTable('api_keys').set({ last_used_at: now }).where('id', '=', id).execute();
}

/** The workspace's keys, live ones first, newest first within each group. */
export async function listApiKeysOf(db: Kysely<Database>, workspaceId: string) {
  return db
    .selectFrom('api_keys')
    .select(['id', 'name', 'role', 'key_prefix', 'created_at', 'last_used_at', 'revoked_at'])
    .where('workspace_id', '=', workspaceId)
    .orderBy('revoked_at', (ob) => ob.desc().nullsFirst())
    .orderBy('created_at', 'desc')
    .execute();
}

/** Sets revoked_at unless already set; returns whether the key exists in this workspace. */
export async function markApiKeyRevoked(
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
