import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { Clock } from '../clock';
import {
  claimReminder,
  insertInvitationToken,
  insertOutboxRow,
  markReminder,
} from './invitation.repository';
import type { AttemptInfo, DeliveryDeps, DeliveryOutcome } from './invitation.service';
import {
  TransientSendError,
  errorText,
  loadForSend,
  recordBounce,
  renderFor,
  sendTimeBlock,
} from './invitation.service';
import { isTransientMailError } from '../platform/mailer';
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
    const due = await trx
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
      .limit(batchSize)
      .forUpdate('invitations')
      .skipLocked()
      .execute();
    for (const row of due) {
      await trx
        .updateTable('invitations')
        .set({ reminder_status: 'scheduled' })
        .where('id', '=', row.id)
        .execute();
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
  const claimed = await claimReminder(db, workspaceId, invitationId, clock.now());
  if (!claimed) {
    return 'already_handled';
  }
  const row = await loadForSend(db, invitationId);
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
  try {
    await deps.mailer.send({ workspaceId, to: row.email!, ...email });
  } catch (err) {
    const message = errorText(err);
    if (isTransientMailError(err)) {
      if (attempt.finalAttempt) {
        await markReminder(db, invitationId, { reminder_status: 'failed', last_error: message });
        return 'failed';
      }
      await markReminder(db, invitationId, { reminder_status: 'scheduled', last_error: message });
      throw new TransientSendError(message);
    }
    await recordBounce(db, clock, row, workspaceId, message, (trx) =>
      markReminder(trx, invitationId, { reminder_status: 'bounced', last_error: message }),
    );
    return 'bounced';
  }
  // Accepted by the server: a failure to record it leaves `sending` for the reconciler (see deliverInvitation).
  await markReminder(db, invitationId, {
    reminder_status: 'sent',
    reminder_sent_at: clock.now(),
  });
  return 'sent';
}
