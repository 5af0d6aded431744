import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';

export async function insertSetupToken(db: Kysely<Database>, tokenHash: string, now: Date) {
  await db.insertInto('setup_tokens').values({ token_hash: tokenHash, created_at: now }).execute();
}

/** Uses the token: true when it existed unused (inside the setup's transaction). */
export async function useSetupToken(
  db: Kysely<Database>,
  tokenHash: string,
  now: Date,
): Promise<boolean> {
  const r = await db
    .updateTable('setup_tokens')
    .set({ used_at: now })
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

/** Every other token printed meanwhile dies with the first workspace. */
export async function retireSetupTokens(db: Kysely<Database>, now: Date) {
  await db.updateTable('setup_tokens').set({ used_at: now }).where('used_at', 'is', null).execute();
}

/** Serializes setups, so two at once cannot both find "no workspace yet". */
export async function lockSetup(db: Kysely<Database>) {
  await sql`select pg_advisory_xact_lock(hashtext('glas-first-run-setup'))`.execute(db);
}
