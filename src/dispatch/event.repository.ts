import { sql } from 'kysely';
import type { Insertable, Kysely } from 'kysely';
import type { Database, Event, NewInvitation } from '../../db/schema';

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

/**
 * The event, its invitations and the scheduled ones' outbox rows in one statement: the ids
 * are made by the caller, so the event row already carries the 202 body a replay returns.
 */
export async function insertEventWithInvitations(
  db: Kysely<Database>,
  event: Insertable<Database['events']> & { id: string },
  invitations: (NewInvitation & { id: string })[],
): Promise<void> {
  if (invitations.length === 0) {
    await db.insertInto('events').values(event).execute();
    return;
  }
  await db
    .with('ev', (q) => q.insertInto('events').values(event).returning('id'))
    .with('inv', (q) =>
      q
        .insertInto('invitations')
        .values(invitations)
        .returning(['id', 'workspace_id', 'status', 'send_at']),
    )
    .with('ob', (q) =>
      q
        .insertInto('outbox')
        .columns(['workspace_id', 'topic', 'aggregate_id', 'available_at'])
        .expression((eb) =>
          eb
            .selectFrom('inv')
            .select([
              'inv.workspace_id',
              sql<string>`'send-invitation'`.as('topic'),
              'inv.id',
              'inv.send_at',
            ])
            .where('inv.status', '=', 'scheduled'),
        ),
    )
    .selectFrom('ev')
    .select('ev.id')
    .execute();
}
