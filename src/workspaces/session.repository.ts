import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';

export async function insertSession(
  db: Kysely<Database>,
  row: {
    workspaceId: string;
    userId: string;
    tokenHash: string;
    csrfToken: string;
    now: Date;
    expiresAt: Date;
  },
): Promise<void> {
  await db
    .insertInto('sessions')
    .values({
      workspace_id: row.workspaceId,
      user_id: row.userId,
      token_hash: row.tokenHash,
      csrf_token: row.csrfToken,
      created_at: row.now,
      last_seen_at: row.now,
      expires_at: row.expiresAt,
    })
    .execute();
}

/** The session behind a token hash with its user and workspace, if still live at `now`. */
export async function findLiveSession(
  db: Kysely<Database>,
  tokenHash: string,
  now: Date,
  idleCutoff: Date,
) {
  return db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .innerJoin('workspaces as w', 'w.id', 's.workspace_id')
    .select([
      's.id as sessionId',
      's.csrf_token as csrfToken',
      's.last_seen_at as lastSeenAt',
      'u.id as userId',
      'u.email',
      'u.name',
      'u.role',
      'w.id as workspaceId',
      'w.name as workspaceName',
    ])
    .where('s.token_hash', '=', tokenHash)
    .where('s.expires_at', '>', now)
    .where('s.last_seen_at', '>', idleCutoff)
    .where('u.disabled_at', 'is', null)
    .executeTakeFirst();
}

export async function touchSession(db: Kysely<Database>, sessionId: string, now: Date) {
  await db.updateTable('sessions').set({ last_seen_at: now }).where('id', '=', sessionId).execute();
}

export async function deleteSession(db: Kysely<Database>, sessionId: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', sessionId).execute();
}

/** Ends the user's sessions except the one given (after a password change). */
export async function deleteOtherSessions(
  db: Kysely<Database>,
  userId: string,
  keepSessionId: string,
): Promise<void> {
  await db
    .deleteFrom('sessions')
    .where('user_id', '=', userId)
    .where('id', '!=', keepSessionId)
    .execute();
}

/** Deletes sessions past their absolute expiry or idle since `idleCutoff`; returns how many. */
export async function deleteExpiredSessions(
  db: Kysely<Database>,
  now: Date,
  idleCutoff: Date,
): Promise<number> {
  const result = await db
    .deleteFrom('sessions')
    .where((eb) => eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<=', idleCutoff)]))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
