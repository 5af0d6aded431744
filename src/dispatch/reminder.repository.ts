import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database, Invitation } from '../../db/schema';
import { CLAIMED_COLUMNS, SEND_COLUMNS } from './invitation.repository';

// A reminder lives on its invitation's row (reminder_status, reminder_claimed_at, …); these are
// its statements, as invitation.repository holds the first send's.

/** As invitationHandedUpdate, for the reminder claimed at `claimedAt`; unexecuted. */
export function reminderHandedUpdate(db: Kysely<Database>, id: string, claimedAt: Date, now: Date) {
  return db
    .updateTable('invitations')
    .set({ reminder_handed_at: now })
    .where('id', '=', id)
    .where('reminder_status', '=', 'sending')
    .where('reminder_claimed_at', '=', claimedAt)
    .where('reminder_handed_at', 'is', null);
}

/**
 * Claims a scheduled reminder (reminder_status scheduled → sending; one caller wins) and reads
 * everything its send needs, in one statement, as claimInvitationForSend does.
 */
export async function claimReminderForSend(
  db: Kysely<Database>,
  workspaceId: string,
  id: string,
  now: Date,
) {
  return db
    .with('claimed', (q) =>
      q
        .updateTable('invitations')
        .set({ reminder_status: 'sending', reminder_claimed_at: now })
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', id)
        .where('reminder_status', '=', 'scheduled')
        .returning([...CLAIMED_COLUMNS, 'reminder_claimed_at']),
    )
    .selectFrom('claimed')
    .innerJoin('surveys', 'surveys.id', 'claimed.survey_id')
    .innerJoin('workspaces', 'workspaces.id', 'claimed.workspace_id')
    .leftJoin('contacts', 'contacts.id', 'claimed.contact_id')
    .select(SEND_COLUMNS)
    .select('claimed.reminder_claimed_at')
    .executeTakeFirst();
}

type ReminderMarks = Partial<
  Pick<
    Invitation,
    | 'reminder_status'
    | 'reminder_sent_at'
    | 'reminder_skip_reason'
    | 'last_error'
    | 'reminder_handed_at'
  >
>;

/** Moves the reminder on if its status is one of `from`; unexecuted. */
export function reminderUpdate(
  db: Kysely<Database>,
  id: string,
  values: ReminderMarks,
  from: readonly NonNullable<Invitation['reminder_status']>[] = ['sending'],
) {
  return db
    .updateTable('invitations')
    .set(values)
    .where('id', '=', id)
    .where('reminder_status', 'in', from);
}

export async function markReminder(
  db: Kysely<Database>,
  id: string,
  values: ReminderMarks,
  /** The reminder statuses the row must be in for the change to apply. */
  from: readonly NonNullable<Invitation['reminder_status']>[] = ['sending'],
): Promise<void> {
  await reminderUpdate(db, id, values, from).execute();
}

/**
 * Sent, unanswered, unexpired invitations of active surveys whose reminder delay has passed
 * and whose contact may still be written to, locked (SKIP LOCKED) for the caller's transaction.
 */
export async function lockDueReminders(db: Kysely<Database>, now: Date, limit: number) {
  return db
    .selectFrom('invitations')
    .innerJoin('surveys', 'surveys.id', 'invitations.survey_id')
    .innerJoin('workspaces', 'workspaces.id', 'invitations.workspace_id')
    .leftJoin('contacts', 'contacts.id', 'invitations.contact_id')
    .select([
      'invitations.id',
      'invitations.workspace_id',
      'surveys.send_window',
      'contacts.time_zone',
      'workspaces.time_zone as workspace_time_zone',
    ])
    .where('invitations.status', '=', 'sent')
    .where('invitations.reminder_status', 'is', null)
    .where('invitations.answered_at', 'is', null)
    .where('surveys.status', '=', 'active')
    .where('surveys.reminder_after_days', 'is not', null)
    .where(
      sql<boolean>`invitations.sent_at <= ${now}::timestamptz - make_interval(days => surveys.reminder_after_days)`,
    )
    .where((eb) =>
      eb.or([eb('invitations.expires_at', 'is', null), eb('invitations.expires_at', '>', now)]),
    )
    .where('contacts.unsubscribed_at', 'is', null)
    .where('contacts.bounced_at', 'is', null)
    .orderBy('invitations.sent_at')
    .limit(limit)
    .forUpdate('invitations')
    .skipLocked()
    .execute();
}

export async function markReminderScheduled(db: Kysely<Database>, id: string): Promise<void> {
  await db
    .updateTable('invitations')
    .set({ reminder_status: 'scheduled' })
    .where('id', '=', id)
    .execute();
}
