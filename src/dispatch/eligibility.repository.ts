import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';

/** Statuses of invitations that went out or may still go out: these start a quiet period. */
export const LIVE_STATUSES = ['scheduled', 'sending', 'sent', 'send_unknown'] as const;

/** Waits for the transaction-scoped advisory lock of one contact. */
export async function lockContactDecisions(db: Kysely<Database>, contactId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`contact:${contactId}`}, 0))`.execute(
    db,
  );
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
 * Counts one invitation for the day unless the quota is reached. Returns the new count, or
 * undefined when the day's row already stood at the quota (the conflict update was refused).
 */
export async function incrementDailySendCount(
  db: Kysely<Database>,
  workspaceId: string,
  day: string,
  quota: number,
): Promise<number | undefined> {
  const taken = await db
    .insertInto('daily_send_counts')
    .values({ workspace_id: workspaceId, day, invited: 1 })
    .onConflict((oc) =>
      oc
        .columns(['workspace_id', 'day'])
        .doUpdateSet({ invited: sql`daily_send_counts.invited + 1` })
        .where('daily_send_counts.invited', '<', quota),
    )
    .returning('invited')
    .executeTakeFirst();
  return taken?.invited;
}

/** Turns a day's freshly inserted count into its first refusal (a quota of 0). */
export async function markDayRefusedFromStart(
  db: Kysely<Database>,
  workspaceId: string,
  day: string,
): Promise<void> {
  await db
    .updateTable('daily_send_counts')
    .set({ invited: 0, over_quota: 1 })
    .where('workspace_id', '=', workspaceId)
    .where('day', '=', day)
    .execute();
}

/** Counts one more refusal for the day; returns how many there are now. */
export async function incrementOverQuota(
  db: Kysely<Database>,
  workspaceId: string,
  day: string,
): Promise<number> {
  const over = await db
    .updateTable('daily_send_counts')
    .set({ over_quota: sql`over_quota + 1` })
    .where('workspace_id', '=', workspaceId)
    .where('day', '=', day)
    .returning('over_quota')
    .executeTakeFirstOrThrow();
  return over.over_quota;
}
