import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { Clock } from '../clock';
import { redactEmails } from '../logger';
import { markContactBounced } from '../contacts/contact.repository';
import { renderInvitationEmail } from '../surveys/email';
import { resolveLocale } from '../surveys/i18n';
import { claimInvitation, markInvitation } from './invitation.repository';
import type { Mailer, SentMail } from '../platform/mailer';
import { isTransientMailError } from '../platform/mailer';
import { withTextOverrides } from '../surveys/text-overrides';
import { hashToken, newToken } from '../platform/tokens';

export interface DeliveryDeps {
  db: Kysely<Database>;
  clock: Clock;
  mailer: Mailer;
  publicUrl: string;
  /** A send this many hours after its planned time is given up (`expired`), never sent late. */
  giveUpHours: number;
}

export interface AttemptInfo {
  /** The queue will not try again: a transient failure now ends as `failed`. */
  finalAttempt: boolean;
}

/** What happened to one send attempt; `retry` means the caller should try again later. */
export type DeliveryOutcome =
  'sent' | 'skipped' | 'expired' | 'already_handled' | 'retry' | 'bounced' | 'failed';

export class TransientSendError extends Error {
  override name = 'TransientSendError';
}

export async function loadForSend(db: Kysely<Database>, invitationId: string) {
  return db
    .selectFrom('invitations')
    .innerJoin('surveys', 'surveys.id', 'invitations.survey_id')
    .innerJoin('workspaces', 'workspaces.id', 'invitations.workspace_id')
    .leftJoin('contacts', 'contacts.id', 'invitations.contact_id')
    .select([
      'invitations.locale',
      'invitations.expires_at',
      'invitations.send_at',
      'invitations.answered_at',
      'invitations.text_overrides',
      'surveys.kind',
      'surveys.status as survey_status',
      'surveys.texts',
      'workspaces.name as workspace_name',
      'workspaces.company_name',
      'workspaces.default_locale',
      'contacts.id as contact_id',
      'contacts.email',
      'contacts.name',
      'contacts.unsubscribed_at',
      'contacts.bounced_at',
    ])
    .where('invitations.id', '=', invitationId)
    .executeTakeFirstOrThrow();
}

export type SendRow = Awaited<ReturnType<typeof loadForSend>>;

/** Reasons, checked again at send time, for which an invitation must not go out any more. */
export function sendTimeBlock(row: SendRow): string | null {
  if (!row.contact_id || !row.email) {
    return 'contact_erased';
  }
  if (row.unsubscribed_at) {
    return 'unsubscribed';
  }
  if (row.bounced_at) {
    return 'bounced';
  }
  if (row.survey_status !== 'active') {
    return `survey_${row.survey_status}`;
  }
  return null;
}

export function renderFor(
  deps: DeliveryDeps,
  row: SendRow,
  invitationId: string,
  token: string,
  reminder = false,
) {
  const locale = resolveLocale(row.locale, resolveLocale(row.default_locale, 'en'));
  const o = withTextOverrides(
    row.texts,
    locale,
    row.company_name ?? row.workspace_name,
    row.text_overrides,
  );
  return renderInvitationEmail({
    invitationId,
    kind: row.kind,
    surveyTexts: o.texts,
    locale,
    company: o.company,
    contactName: row.name,
    token,
    publicUrl: deps.publicUrl,
    reminder,
  });
}

export function errorText(err: unknown): string {
  return redactEmails(err instanceof Error ? err.message : String(err)).slice(0, 500);
}

/** A hard bounce: the contact is suppressed in the same transaction as the row's final status. */
export async function recordBounce(
  db: Kysely<Database>,
  clock: Clock,
  row: SendRow,
  workspaceId: string,
  message: string,
  markRow: (trx: Kysely<Database>) => Promise<unknown>,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await markRow(trx);
    if (row.contact_id) {
      await markContactBounced(trx, workspaceId, row.contact_id, clock.now(), message);
    }
  });
}

/**
 * Sends one invitation at most once. The row is claimed (`scheduled → sending`) before any
 * side effect, so a duplicate job finds nothing to do. A token is minted per attempt and
 * only its hash is stored. Transient SMTP failures put the row back to `scheduled` and
 * throw (the queue retries with backoff) until the last attempt, which ends as `failed`;
 * a 5xx marks the invitation and the contact bounced and is not retried. If the process
 * dies after the server accepted the mail, the row stays `sending` and the reconciler
 * turns it into `send_unknown`: it is never resent automatically.
 */
export async function deliverInvitation(
  deps: DeliveryDeps,
  workspaceId: string,
  invitationId: string,
  attempt: AttemptInfo = { finalAttempt: false },
): Promise<DeliveryOutcome> {
  const { db, clock } = deps;
  const token = newToken();
  const claimed = await claimInvitation(
    db,
    workspaceId,
    invitationId,
    hashToken(token),
    clock.now(),
  );
  if (!claimed) {
    return 'already_handled';
  }
  const row = await loadForSend(db, invitationId);
  const now = clock.now();
  const giveUpAt = row.send_at.getTime() + deps.giveUpHours * 3_600_000;
  if ((row.expires_at && row.expires_at <= now) || giveUpAt <= now.getTime()) {
    await markInvitation(db, invitationId, 'sending', { status: 'expired' });
    return 'expired';
  }
  const blocked = sendTimeBlock(row);
  if (blocked) {
    await markInvitation(db, invitationId, 'sending', { status: 'skipped', skip_reason: blocked });
    return 'skipped';
  }
  const email = renderFor(deps, row, invitationId, token);
  let sent: SentMail;
  try {
    sent = await deps.mailer.send({ workspaceId, to: row.email!, ...email });
  } catch (err) {
    const message = errorText(err);
    if (isTransientMailError(err)) {
      if (attempt.finalAttempt) {
        await markInvitation(db, invitationId, 'sending', {
          status: 'failed',
          last_error: message,
        });
        return 'failed';
      }
      await markInvitation(db, invitationId, 'sending', {
        status: 'scheduled',
        last_error: message,
      });
      throw new TransientSendError(message);
    }
    await recordBounce(db, clock, row, workspaceId, message, (trx) =>
      markInvitation(trx, invitationId, 'sending', { status: 'bounced', last_error: message }),
    );
    return 'bounced';
  }
  // NOTE: the server has the mail now. If recording it fails, the row stays `sending` and the
  // reconciler makes it `send_unknown`; it is never put back to `scheduled` to be sent again.
  await markInvitation(db, invitationId, 'sending', {
    status: 'sent',
    sent_at: clock.now(),
    message_id: sent.messageId,
  });
  return 'sent';
}

export interface ReconcileResult {
  requeued: number;
  sendUnknown: number;
  expired: number;
  remindersRequeued: number;
}

/**
 * Repairs what a crash or a Redis restart can leave behind: sends stuck in `sending`
 * become `send_unknown` (never resent automatically: the server may have accepted them),
 * overdue `scheduled` invitations and reminders get a fresh outbox row (the relay replaces
 * a dead job), and invitations past expiry or past the give-up time expire.
 */
export async function reconcileInvitations(
  db: Kysely<Database>,
  clock: Clock,
  options: { sendingTimeoutMs: number; overdueMs: number; giveUpHours: number },
): Promise<ReconcileResult> {
  const now = clock.now();
  const stale = new Date(now.getTime() - options.sendingTimeoutMs);
  const overdue = new Date(now.getTime() - options.overdueMs);
  const unknown = await db
    .updateTable('invitations')
    .set({ status: 'send_unknown' })
    .where('status', '=', 'sending')
    .where('claimed_at', '<', stale)
    .executeTakeFirst();
  await db
    .updateTable('invitations')
    .set({ reminder_status: 'send_unknown' })
    .where('reminder_status', '=', 'sending')
    .where('reminder_claimed_at', '<', stale)
    .execute();
  const expired = await db
    .updateTable('invitations')
    .set({ status: 'expired' })
    .where('status', '=', 'scheduled')
    .where((eb) =>
      eb.or([
        eb('expires_at', '<=', now),
        eb('send_at', '<=', new Date(now.getTime() - options.giveUpHours * 3_600_000)),
      ]),
    )
    .executeTakeFirst();
  const noPendingRow = (topic: 'send-invitation' | 'send-reminder') =>
    sql<boolean>`not exists (select 1 from outbox o where o.aggregate_id = invitations.id and o.topic = ${topic} and (o.published_at is null or o.published_at > ${overdue}))`;
  const requeued = await db
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
        .where(noPendingRow('send-invitation')),
    )
    .executeTakeFirst();
  const reminders = await db
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
        .where(noPendingRow('send-reminder')),
    )
    .executeTakeFirst();
  return {
    requeued: Number(requeued.numInsertedOrUpdatedRows ?? 0n),
    sendUnknown: Number(unknown.numUpdatedRows),
    expired: Number(expired.numUpdatedRows),
    remindersRequeued: Number(reminders.numInsertedOrUpdatedRows ?? 0n),
  };
}
