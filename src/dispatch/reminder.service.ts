import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { Clock } from '../clock';
import { insertInvitationToken, insertOutboxRow } from './invitation.repository';
import {
  claimReminderForSend,
  lockDueReminders,
  markReminder,
  reminderHandedUpdate,
  reminderUpdate,
  markReminderScheduled,
} from './reminder.repository';
import type { AttemptInfo, DeliveryDeps, DeliveryOutcome } from './invitation.service';
import { SENT_FROM, renderFor, sendClaimed, sendTimeBlock } from './invitation.service';
import { nextSendTime } from '../surveys/send-window';
import type { SendWindow } from '../surveys/send-window';
import { hashToken, newToken } from '../platform/tokens';

/**
 * Schedules the one reminder of each sent, unanswered invitation whose survey asks for one
 * and whose delay has passed. The guard `reminder_status is null` makes a second run (or a
 * second scheduler) a no-op. The reminder goes out at the next opening of the send window.
 */
export async function scheduleReminders(
  db: Kysely<Database>,
  clock: Clock,
  batchSize = 500,
): Promise<number> {
  const now = clock.now();
  return db.transaction().execute(async (trx) => {
    const due = await lockDueReminders(trx, now, batchSize);
    for (const row of due) {
      await markReminderScheduled(trx, row.id);
      await insertOutboxRow(trx, {
        workspaceId: row.workspace_id,
        invitationId: row.id,
        topic: 'send-reminder',
        availableAt: nextSendTime(
          now,
          row.send_window as SendWindow | null,
          row.time_zone ?? row.workspace_time_zone,
        ),
      });
    }
    return due.length;
  });
}

/**
 * Sends the reminder for one invitation, at most once, with a fresh link token (the first
 * token's hash stays on the invitation; this one goes to invitation_tokens). Never after an
 * answer, an unsubscribe or a bounce: all are checked again right before sending.
 */
export async function deliverReminder(
  deps: DeliveryDeps,
  workspaceId: string,
  invitationId: string,
  attempt: AttemptInfo = { finalAttempt: false },
): Promise<DeliveryOutcome> {
  const { db, clock } = deps;
  const row = await claimReminderForSend(db, workspaceId, invitationId, clock.now());
  if (!row) {
    return 'already_handled';
  }
  const blocked =
    (row.answered_at ? 'answered' : null) ??
    (row.expires_at && row.expires_at <= clock.now() ? 'expired' : null) ??
    sendTimeBlock(row);
  if (blocked) {
    await markReminder(db, invitationId, {
      reminder_status: 'skipped',
      reminder_skip_reason: blocked,
    });
    return 'skipped';
  }
  const token = newToken();
  await insertInvitationToken(db, {
    workspaceId,
    invitationId,
    tokenHash: hashToken(token),
    now: clock.now(),
  });
  const email = renderFor(deps, row, invitationId, token, true);
  const claimedAt = row.reminder_claimed_at!;
  return sendClaimed(deps, row, workspaceId, email, attempt, {
    handed: () => ({
      db,
      invitationId,
      query: () => reminderHandedUpdate(db, invitationId, claimedAt, clock.now()),
    }),
    failed: (trx, status, lastError) =>
      markReminder(trx, invitationId, {
        reminder_status: status,
        last_error: lastError,
        reminder_handed_at: null,
      }),
    sent: () => ({
      db,
      invitationId,
      query: () =>
        reminderUpdate(
          db,
          invitationId,
          { reminder_status: 'sent', reminder_sent_at: clock.now() },
          SENT_FROM,
        ),
    }),
  });
}
