import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { Clock } from '../clock';
import { redactEmails } from '../logger';
import { renderInvitationEmail } from './email';
import { resolveLocale } from './i18n';
import { claimInvitation, markInvitation } from './invitation.repository';
import type { Mailer } from './mailer';
import { isTransientMailError } from './mailer';
import { hashToken, newToken } from './tokens';

export interface DeliveryDeps {
  db: Kysely<Database>;
  clock: Clock;
  mailer: Mailer;
  publicUrl: string;
}

/** What happened to one send attempt; `retry` means the caller should try again later. */
export type DeliveryOutcome =
  'sent' | 'skipped' | 'expired' | 'already_handled' | 'retry' | 'bounced';

export class TransientSendError extends Error {
  override name = 'TransientSendError';
}

async function loadForSend(db: Kysely<Database>, invitationId: string) {
  return db
    .selectFrom('invitations')
    .innerJoin('surveys', 'surveys.id', 'invitations.survey_id')
    .innerJoin('workspaces', 'workspaces.id', 'invitations.workspace_id')
    .leftJoin('contacts', 'contacts.id', 'invitations.contact_id')
    .select([
      'invitations.locale',
      'invitations.expires_at',
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

/** Reasons, checked again at send time, for which an invitation must not go out any more. */
function sendTimeBlock(row: Awaited<ReturnType<typeof loadForSend>>): string | null {
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

/**
 * Sends one invitation at most once. The row is claimed (`scheduled → sending`) before any
 * side effect, so a duplicate job finds nothing to do. A token is minted per attempt and
 * only its hash is stored. Transient SMTP failures put the row back to `scheduled` and
 * throw; a 5xx marks the contact bounced.
 */
export async function deliverInvitation(
  deps: DeliveryDeps,
  workspaceId: string,
  invitationId: string,
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
  if (row.expires_at && row.expires_at <= clock.now()) {
    await markInvitation(db, invitationId, 'sending', { status: 'expired' });
    return 'expired';
  }
  const blocked = sendTimeBlock(row);
  if (blocked) {
    await markInvitation(db, invitationId, 'sending', { status: 'skipped', skip_reason: blocked });
    return 'skipped';
  }
  const email = renderInvitationEmail({
    invitationId,
    kind: row.kind,
    surveyTexts: row.texts,
    locale: resolveLocale(row.locale, resolveLocale(row.default_locale, 'en')),
    company: row.company_name ?? row.workspace_name,
    contactName: row.name,
    token,
    publicUrl: deps.publicUrl,
  });
  try {
    const sent = await deps.mailer.send({ workspaceId, to: row.email!, ...email });
    await markInvitation(db, invitationId, 'sending', {
      status: 'sent',
      sent_at: clock.now(),
      message_id: sent.messageId,
    });
    return 'sent';
  } catch (err) {
    const message = redactEmails(err instanceof Error ? err.message : String(err)).slice(0, 500);
    if (isTransientMailError(err)) {
      await markInvitation(db, invitationId, 'sending', {
        status: 'scheduled',
        last_error: message,
      });
      throw new TransientSendError(message);
    }
    await db.transaction().execute(async (trx) => {
      await markInvitation(trx, invitationId, 'sending', {
        status: 'bounced',
        last_error: message,
      });
      await trx
        .updateTable('contacts')
        .set({ bounced_at: clock.now() })
        .where('id', '=', row.contact_id!)
        .where('bounced_at', 'is', null)
        .execute();
    });
    return 'bounced';
  }
}

export interface ReconcileResult {
  requeued: number;
  sendUnknown: number;
  expired: number;
}

/**
 * Repairs what a crash or a Redis restart can leave behind: sends stuck in `sending`
 * become `send_unknown` (never resent automatically: the server may have accepted them),
 * overdue `scheduled` invitations get a fresh outbox row, and past-expiry ones expire.
 */
export async function reconcileInvitations(
  db: Kysely<Database>,
  clock: Clock,
  options: { sendingTimeoutMs: number; overdueMs: number },
): Promise<ReconcileResult> {
  const now = clock.now();
  const unknown = await db
    .updateTable('invitations')
    .set({ status: 'send_unknown' })
    .where('status', '=', 'sending')
    .where('claimed_at', '<', new Date(now.getTime() - options.sendingTimeoutMs))
    .executeTakeFirst();
  const expired = await db
    .updateTable('invitations')
    .set({ status: 'expired' })
    .where('status', '=', 'scheduled')
    .where('expires_at', '<=', now)
    .executeTakeFirst();
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
        .where('invitations.send_at', '<', new Date(now.getTime() - options.overdueMs))
        .where((w) =>
          w.not(
            w.exists(
              w
                .selectFrom('outbox')
                .select('outbox.id')
                .whereRef('outbox.aggregate_id', '=', 'invitations.id')
                .where('outbox.published_at', 'is', null),
            ),
          ),
        ),
    )
    .executeTakeFirst();
  return {
    requeued: Number(requeued.numInsertedOrUpdatedRows ?? 0n),
    sendUnknown: Number(unknown.numUpdatedRows),
    expired: Number(expired.numUpdatedRows),
  };
}
