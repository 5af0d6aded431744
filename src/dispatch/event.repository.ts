import { sql } from 'kysely';
import type { Insertable, Kysely } from 'kysely';
import type { Database, Event } from '../../db/schema';

/**
 * Takes the transaction-scoped advisory lock for this idempotency key without waiting;
 * false when a twin request already holds it.
 */
export async function tryLockIdempotencyKey(
  db: Kysely<Database>,
  workspaceId: string,
  key: string,
): Promise<boolean> {
  const { rows } = await sql<{
    locked: boolean;
  }>`select pg_try_advisory_xact_lock(hashtextextended(${`idem:${workspaceId}:${key}`}, 0)) as locked`.execute(
    db,
  );
  return !!rows[0]?.locked;
}

export async function findEventByIdempotencyKey(
  db: Kysely<Database>,
  workspaceId: string,
  key: string,
): Promise<Event | undefined> {
  return db
    .selectFrom('events')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('idempotency_key', '=', key)
    .executeTakeFirst();
}

export async function insertEvent(
  db: Kysely<Database>,
  values: Insertable<Database['events']>,
): Promise<Event> {
  return db.insertInto('events').values(values).returningAll().executeTakeFirstOrThrow();
}
