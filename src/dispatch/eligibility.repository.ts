import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';

/** Statuses of invitations that went out or may still go out: these start a quiet period. */
export const LIVE_STATUSES = ['scheduled', 'sending', 'sent', 'send_unknown'] as const;

/**
 * Waits for the row lock of one contact, held to the end of the transaction. Ingest's contact
 * upsert (`glas_ingest`) takes the same lock, so every decision for one contact queues here.
 */
export async function lockContactDecisions(db: Kysely<Database>, contactId: string): Promise<void> {
  await sql`select 1 from contacts where id = ${contactId} for update`.execute(db);
}

/**
 * The contact re-read under its lock, with when its latest live invitation was created: one
 * statement for both, the quiet period of every survey then decided from `last_live_at`.
 */
export async function findContactForDecision(
  db: Kysely<Database>,
  workspaceId: string,
  contactId: string,
) {
  return db
    .selectFrom('contacts as c')
    .selectAll('c')
    .select((eb) =>
      eb
        .selectFrom('invitations as i')
        .select((e) => e.fn.max('i.created_at').as('m'))
        .where('i.workspace_id', '=', workspaceId)
        .where('i.contact_id', '=', contactId)
        .where('i.status', 'in', LIVE_STATUSES)
        .as('last_live_at'),
    )
    .where('c.workspace_id', '=', workspaceId)
    .where('c.id', '=', contactId)
    .executeTakeFirst();
}

/**
 * Takes one unit of the day's quota in `glas_take_quota` (the ingest function takes it there
 * too): 1 taken, 0 refused, -1 refused and the day's first refusal. The counter row is updated
 * in place, so concurrent takers queue on its row lock and the quota is never overshot.
 */
export async function takeDailyQuota(
  db: Kysely<Database>,
  workspaceId: string,
  day: string,
  quota: number,
): Promise<number> {
  const { rows } = await sql<{
    taken: number;
  }>`select glas_take_quota(${workspaceId}::uuid, ${day}::date, ${quota}::integer) as taken`.execute(
    db,
  );
  return rows[0]!.taken;
}
