import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';

// The reconciler's repairs, one statement each, across all workspaces.

/**
 * Invitations handed to SMTP before `stale` and still `sending` become `send_unknown` (the
 * server may have the mail); returns how many.
 */
export async function markStaleSendsUnknown(db: Kysely<Database>, stale: Date): Promise<number> {
  const result = await db
    .updateTable('invitations')
    .set({ status: 'send_unknown' })
    .where('status', '=', 'sending')
    .where('handed_at', '<', stale)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function markStaleRemindersUnknown(db: Kysely<Database>, stale: Date): Promise<void> {
  await db
    .updateTable('invitations')
    .set({ reminder_status: 'send_unknown' })
    .where('reminder_status', '=', 'sending')
    .where('reminder_handed_at', '<', stale)
    .execute();
}

/**
 * Claims taken before `lapsed` that never reached SMTP (their worker died first) go back to
 * `scheduled`, to be requeued and sent: nothing of them left the building. Returns how many.
 */
export async function releaseLapsedClaims(db: Kysely<Database>, lapsed: Date): Promise<number> {
  const result = await db
    .updateTable('invitations')
    .set({ status: 'scheduled', claimed_at: null })
    .where('status', '=', 'sending')
    .where('handed_at', 'is', null)
    .where('claimed_at', '<', lapsed)
    .executeTakeFirst();
  await db
    .updateTable('invitations')
    .set({ reminder_status: 'scheduled', reminder_claimed_at: null })
    .where('reminder_status', '=', 'sending')
    .where('reminder_handed_at', 'is', null)
    .where('reminder_claimed_at', '<', lapsed)
    .execute();
  return Number(result.numUpdatedRows);
}

/** Scheduled invitations past their expiry or planned before `giveUpBefore` expire; returns how many. */
export async function expireScheduledInvitations(
  db: Kysely<Database>,
  now: Date,
  giveUpBefore: Date,
): Promise<number> {
  const result = await db
    .updateTable('invitations')
    .set({ status: 'expired' })
    .where('status', '=', 'scheduled')
    .where((eb) => eb.or([eb('expires_at', '<=', now), eb('send_at', '<=', giveUpBefore)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** No outbox row of this topic is pending or was published after `overdue` for the invitation. */
const noPendingRow = (topic: 'send-invitation' | 'send-reminder', overdue: Date) =>
  sql<boolean>`not exists (select 1 from outbox o where o.aggregate_id = invitations.id and o.topic = ${topic} and (o.published_at is null or o.published_at > ${overdue}))`;

/** A fresh outbox row for each scheduled invitation planned before `overdue` whose job was lost. */
export async function requeueOverdueInvitations(
  db: Kysely<Database>,
  now: Date,
  overdue: Date,
): Promise<number> {
  const result = await db
    .insertInto('outbox')
    .columns(['workspace_id', 'topic', 'aggregate_id', 'available_at'])
    .expression((eb) =>
      eb
        .selectFrom('invitations')
        .select((s) => [
          'invitations.workspace_id',
          s.val('send-invitation').as('topic'),
          'invitations.id',
          s.val(now).as('available_at'),
        ])
        .where('invitations.status', '=', 'scheduled')
        .where('invitations.send_at', '<', overdue)
        .where(noPendingRow('send-invitation', overdue)),
    )
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n);
}

/**
 * A fresh outbox row for each scheduled reminder whose job was lost, never earlier than the
 * time its last row planned (the send window's opening).
 */
export async function requeueScheduledReminders(
  db: Kysely<Database>,
  now: Date,
  overdue: Date,
): Promise<number> {
  const result = await db
    .insertInto('outbox')
    .columns(['workspace_id', 'topic', 'aggregate_id', 'available_at'])
    .expression((eb) =>
      eb
        .selectFrom('invitations')
        .select((s) => [
          'invitations.workspace_id',
          s.val('send-reminder').as('topic'),
          'invitations.id',
          sql<Date>`greatest(${now}::timestamptz, (select max(o.available_at) from outbox o where o.aggregate_id = invitations.id and o.topic = 'send-reminder'))`.as(
            'available_at',
          ),
        ])
        .where('invitations.reminder_status', '=', 'scheduled')
        .where(noPendingRow('send-reminder', overdue)),
    )
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n);
}
