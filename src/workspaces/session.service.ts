import type { Kysely } from 'kysely';
import type { Database, UserRole } from '../../db/schema';
import type { Clock } from '../clock';
import { hashToken, newToken } from '../platform/tokens';

export interface SessionPolicy {
  idleMinutes: number;
  absoluteHours: number;
}

export interface SessionInfo {
  sessionId: string;
  userId: string;
  workspaceId: string;
  workspaceName: string;
  email: string;
  name: string | null;
  role: UserRole;
  csrfToken: string;
}

/** Starts a session; the returned token goes in the cookie and nowhere else. */
export async function startSession(
  db: Kysely<Database>,
  clock: Clock,
  policy: SessionPolicy,
  user: { id: string; workspace_id: string },
): Promise<{ token: string; expiresAt: Date }> {
  const now = clock.now();
  const token = newToken();
  const expiresAt = new Date(now.getTime() + policy.absoluteHours * 3_600_000);
  await db
    .insertInto('sessions')
    .values({
      workspace_id: user.workspace_id,
      user_id: user.id,
      token_hash: hashToken(token),
      csrf_token: newToken(),
      created_at: now,
      last_seen_at: now,
      expires_at: expiresAt,
    })
    .execute();
  return { token, expiresAt };
}

/**
 * The live session behind a cookie token, or undefined when it is unknown, idle too long,
 * past its absolute expiry, or its user is disabled. Seeing it refreshes the idle clock.
 */
export async function resumeSession(
  db: Kysely<Database>,
  clock: Clock,
  policy: SessionPolicy,
  token: string,
): Promise<SessionInfo | undefined> {
  const now = clock.now();
  const idleCutoff = new Date(now.getTime() - policy.idleMinutes * 60_000);
  const row = await db
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
    .where('s.token_hash', '=', hashToken(token))
    .where('s.expires_at', '>', now)
    .where('s.last_seen_at', '>', idleCutoff)
    .where('u.disabled_at', 'is', null)
    .executeTakeFirst();
  if (!row) {
    return undefined;
  }
  // NOTE: written at most once a minute so page views stay read-only on the hot path.
  if (now.getTime() - row.lastSeenAt.getTime() > 60_000) {
    await db
      .updateTable('sessions')
      .set({ last_seen_at: now })
      .where('id', '=', row.sessionId)
      .execute();
  }
  return {
    sessionId: row.sessionId,
    userId: row.userId,
    workspaceId: row.workspaceId,
    workspaceName: row.workspaceName,
    email: row.email,
    name: row.name,
    role: row.role,
    csrfToken: row.csrfToken,
  };
}

export async function endSession(db: Kysely<Database>, sessionId: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', sessionId).execute();
}

/** Removes sessions past either expiry; returns how many. */
export async function purgeExpiredSessions(
  db: Kysely<Database>,
  clock: Clock,
  policy: SessionPolicy,
): Promise<number> {
  const now = clock.now();
  const result = await db
    .deleteFrom('sessions')
    .where((eb) =>
      eb.or([
        eb('expires_at', '<=', now),
        eb('last_seen_at', '<=', new Date(now.getTime() - policy.idleMinutes * 60_000)),
      ]),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
