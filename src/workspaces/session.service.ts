import type { Kysely } from 'kysely';
import type { Database, UserRole } from '../../db/schema';
import type { Clock } from '../clock';
import { hashToken, newToken } from '../platform/tokens';
import {
  deleteExpiredSessions,
  deleteSession,
  findLiveSession,
  insertSession,
  touchSession,
} from './session.repository';

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
  await insertSession(db, {
    workspaceId: user.workspace_id,
    userId: user.id,
    tokenHash: hashToken(token),
    csrfToken: newToken(),
    now,
    expiresAt,
  });
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
  const row = await findLiveSession(db, hashToken(token), now, idleCutoff);
  if (!row) {
    return undefined;
  }
  // NOTE: written at most once a minute so page views stay read-only on the hot path.
  if (now.getTime() - row.lastSeenAt.getTime() > 60_000) {
    await touchSession(db, row.sessionId, now);
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
  await deleteSession(db, sessionId);
}

/** Removes sessions past either expiry; returns how many. */
export async function purgeExpiredSessions(
  db: Kysely<Database>,
  clock: Clock,
  policy: SessionPolicy,
): Promise<number> {
  const now = clock.now();
  return deleteExpiredSessions(db, now, new Date(now.getTime() - policy.idleMinutes * 60_000));
}
