import { hash, verify } from '@node-rs/argon2';
import type { Kysely } from 'kysely';
import type { Database, User } from '../../db/schema';
import type { Clock } from '../clock';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import { deleteOtherSessions } from './session.repository';
import type { CreateUserBody, UserDto } from './user.schemas';
import {
  findEnabledUsersByEmail,
  findUserById,
  insertUser,
  listUsersOf,
  markSignedIn,
  setPasswordHash,
} from './user.repository';

// NOTE: OWASP Password Storage cheat sheet: argon2id, m = 19 MiB, t = 2, p = 1.
const ARGON2 = { algorithm: 2 as const, memoryCost: 19_456, timeCost: 2, parallelism: 1 };
/** Verified against when no user matches, so a wrong email costs the same time as a wrong password. */
let dummyHash: Promise<string> | undefined;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2);
}

export function toUserDto(row: User): UserDto {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    lastSignInAt: row.last_sign_in_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
  };
}

export async function createUser(
  db: Kysely<Database>,
  clock: Clock,
  workspaceId: string,
  input: CreateUserBody,
): Promise<UserDto> {
  const now = clock.now();
  const passwordHash = await hashPassword(input.password);
  try {
    const row = await insertUser(db, {
      workspaceId,
      email: input.email,
      name: input.name || null,
      role: input.role,
      passwordHash,
      now,
    });
    return toUserDto(row);
  } catch (err) {
    if ((err as { code?: string }).code === '23505') {
      throw new ConflictError('user_exists', 'A user with this email already exists.', [
        { field: 'email', issue: 'already used in this workspace', location: 'body' },
      ]);
    }
    throw err;
  }
}

export async function listUsers(db: Kysely<Database>, workspaceId: string): Promise<UserDto[]> {
  return (await listUsersOf(db, workspaceId)).map(toUserDto);
}

export async function requireUser(db: Kysely<Database>, workspaceId: string, id: string) {
  const row = await findUserById(db, workspaceId, id);
  if (!row) {
    throw new NotFoundError('user_not_found', 'No such user in this workspace.');
  }
  return row;
}

/**
 * Finds the user whose email and password match. An email may exist in several workspaces;
 * the password decides which one. Unknown emails still pay one argon2 verification.
 */
export async function verifyCredentials(
  db: Kysely<Database>,
  clock: Clock,
  email: string,
  password: string,
): Promise<User | undefined> {
  const candidates = await findEnabledUsersByEmail(db, email, 5);
  if (candidates.length === 0) {
    dummyHash ??= hashPassword('not a password of anyone');
    await verify(await dummyHash, password).catch(() => false);
    return undefined;
  }
  for (const user of candidates) {
    if (await verify(user.password_hash, password).catch(() => false)) {
      await markSignedIn(db, user.id, clock.now());
      return user;
    }
  }
  return undefined;
}

/** Changes a password after checking the current one; other sessions of the user end. */
export async function changePassword(
  db: Kysely<Database>,
  clock: Clock,
  workspaceId: string,
  userId: string,
  input: { currentPassword: string; newPassword: string },
  keepSessionId: string,
): Promise<void> {
  const user = await requireUser(db, workspaceId, userId);
  if (!(await verify(user.password_hash, input.currentPassword).catch(() => false))) {
    throw new ValidationError([
      { field: 'currentPassword', issue: 'is not your current password', location: 'body' },
    ]);
  }
  const passwordHash = await hashPassword(input.newPassword);
  await db.transaction().execute(async (trx) => {
    await setPasswordHash(trx, workspaceId, userId, passwordHash, clock.now());
    await deleteOtherSessions(trx, userId, keepSessionId);
  });
}
