import type { Kysely } from 'kysely';
import type { Database, User, UserRole } from '../../db/schema';

export async function insertUser(
  db: Kysely<Database>,
  values: {
    workspaceId: string;
    email: string;
    name: string | null;
    role: UserRole;
    passwordHash: string;
    now: Date;
  },
): Promise<User> {
  return db
    .insertInto('users')
    .values({
      workspace_id: values.workspaceId,
      email: values.email,
      name: values.name,
      role: values.role,
      password_hash: values.passwordHash,
      created_at: values.now,
      updated_at: values.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function listUsersOf(db: Kysely<Database>, workspaceId: string): Promise<User[]> {
  return db
    .selectFrom('users')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('created_at')
    .execute();
}

export async function findUserById(
  db: Kysely<Database>,
  workspaceId: string,
  id: string,
): Promise<User | undefined> {
  return db
    .selectFrom('users')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** Enabled users with this email in any workspace, oldest first (at most `limit`). */
export async function findEnabledUsersByEmail(
  db: Kysely<Database>,
  email: string,
  limit: number,
): Promise<User[]> {
  return db
    .selectFrom('users')
    .selectAll()
    .where((eb) => eb(eb.fn('lower', ['email']), '=', email.toLowerCase()))
    .where('disabled_at', 'is', null)
    .orderBy('created_at')
    .limit(limit)
    .execute();
}

export async function markSignedIn(db: Kysely<Database>, userId: string, at: Date): Promise<void> {
  await db.updateTable('users').set({ last_sign_in_at: at }).where('id', '=', userId).execute();
}

export async function setPasswordHash(
  db: Kysely<Database>,
  workspaceId: string,
  userId: string,
  passwordHash: string,
  now: Date,
): Promise<void> {
  await db
    .updateTable('users')
    .set({ password_hash: passwordHash, updated_at: now })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', userId)
    .execute();
}
