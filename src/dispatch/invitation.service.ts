import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { Clock } from '../clock';
import { redactEmails } from '../logger';
import { markBounced } from '../contacts/suppression.service';
import { renderInvitationEmail } from '../surveys/email';
import { resolveLocale } from '../surveys/i18n';
import { randomUUID } from 'node:crypto';
import {
  claimInvitationForSend,
  findInvitationStatus,
  invitationHandedUpdate,
  invitationUpdate,
  markInvitation,
  rescheduleUnknownSend,
  markSendsToAddressBounced,
} from './invitation.repository';
import { ConflictError, NotFoundError } from '../errors';
import {
  expireScheduledInvitations,
  markStaleRemindersUnknown,
  markStaleSendsUnknown,
  releaseLapsedClaims,
  requeueOverdueInvitations,
  requeueScheduledReminders,
} from './reconcile.repository';
import type { Mailer, OutgoingMail, SentMail } from '../platform/mailer';
import { isTransientMailError } from '../platform/mailer';
import { handOffLane } from './handoff-lane';
import type { MarkWrite } from './handoff-lane';
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

function messageIdDomain(publicUrl: string): string {
  try {
    return new URL(publicUrl).hostname || 'glas.invalid';
  } catch {
    return 'glas.invalid';
  }
}

export interface AttemptInfo {
  /** The queue will not try again: a transient failure now ends as `failed`. */
  finalAttempt: boolean;
}

/** What happened to one send attempt; `retry` means the caller should try again later. */
export type DeliveryOutcome =
  | 'sent'
  | 'skipped'
  | 'expired'
  | 'already_handled'
  | 'retry'
  | 'bounced'
  | 'failed'
  | 'send_unknown';

export class TransientSendError extends Error {
  override name = 'TransientSendError';
}

/** What a send reads along with its claim: the invitation, its survey, workspace and contact. */
export type SendRow = Omit<
  NonNullable<Awaited<ReturnType<typeof claimInvitationForSend>>>,
  'message_id'
>;

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
      await markBounced(trx, workspaceId, row.contact_id, clock.now(), message);
    }
  });
}

/** How a ladder moves its row out of `sending`: the invitation's `status` or the reminder's. */
export interface SendMarks {
  /**
   * Records the hand-off to SMTP, after the server accepted the envelope and just before the
   * message data; false when this claim lapsed and another worker holds the row (then
   * nothing is transmitted).
   */
  handed(messageId: string): MarkWrite;
  /** The Message-ID of an earlier hand-off of the same mail (an operator's resend). */
  messageId?: string | null;
  /** `scheduled` to retry, `failed` after the last attempt, `bounced` on a permanent error. */
  failed(
    db: Kysely<Database>,
    status: 'scheduled' | 'failed' | 'bounced',
    lastError: string,
  ): Promise<unknown>;
  /** The server accepted the mail (recorded with the time the statement runs). */
  sent(sent: SentMail): MarkWrite;
}

/**
 * The send ladder of invitations and reminders alike, once the row is claimed, checked and
 * rendered. A transient SMTP failure puts the row back to `scheduled` and throws
 * TransientSendError (the queue retries with backoff), except on the final attempt, which
 * ends as `failed`; a permanent one marks the row and the contact bounced in one transaction
 * and is not retried.
 */
export async function sendClaimed(
  deps: DeliveryDeps,
  row: SendRow,
  workspaceId: string,
  mail: Omit<OutgoingMail, 'workspaceId' | 'to'>,
  attempt: AttemptInfo,
  marks: SendMarks,
): Promise<'sent' | 'failed' | 'bounced' | 'already_handled' | 'send_unknown'> {
  const { db, clock } = deps;
  const lane = handOffLane;
  // Our own Message-ID, stored at hand-off: an operator resending a send_unknown reuses it,
  // and receivers drop a second copy with the same id.
  const messageId = marks.messageId ?? `<${randomUUID()}@${messageIdDomain(deps.publicUrl)}>`;
  // "Maybe sent" starts when the message data goes to the server, once it accepted the
  // envelope: a worker that dies before, while connecting say, leaves a claim that lapses.
  let lapsed = false;
  let handed = false;
  // The send failed (the connection dropped, say) while this one still waited for its turn.
  let ended = false;
  // One send at a time per process between hand-off and its recorded outcome (the lane): the
  // envelopes of concurrent sends still overlap, but a process that dies leaves at most one
  // send whose fate is unknown.
  const beforeTransmit = async () => {
    if (!(await lane.enter(marks.handed(messageId)))) {
      lapsed = true;
      throw new Error('claim lapsed: another worker holds this send');
    }
    if (ended) {
      // Nobody transmits this any more; the failure path has put the row back.
      lane.leave();
      throw new Error('send ended before its hand-off turn');
    }
    handed = true;
  };
  let sent: SentMail;
  try {
    sent = await deps.mailer.send({
      workspaceId,
      to: row.email!,
      messageId,
      beforeTransmit,
      ...mail,
    });
  } catch (err) {
    ended = true;
    if (handed) {
      lane.leave();
    }
    if (lapsed) {
      // Nothing was transmitted, and the row is another worker's now.
      return 'already_handled';
    }
    const message = errorText(err);
    if (handed && typeof (err as { responseCode?: unknown }).responseCode !== 'number') {
      // The data went out and the connection failed before the server answered (a reset, a
      // timeout): it may have been delivered. The row stays `sending` with its hand-off, and
      // the reconciler makes it `send_unknown`; sending it again could double it.
      return 'send_unknown';
    }
    if (isTransientMailError(err)) {
      if (attempt.finalAttempt) {
        await marks.failed(db, 'failed', message);
        return 'failed';
      }
      await marks.failed(db, 'scheduled', message);
      throw new TransientSendError(message);
    }
    await recordBounce(db, clock, row, workspaceId, message, (trx) =>
      marks.failed(trx, 'bounced', message),
    );
    return 'bounced';
  }
  // NOTE: the server has the mail now. If recording it fails for good, the row stays
  // `sending` and the reconciler makes it `send_unknown`; it is never put back to `scheduled`.
  await lane.leaveAccepted(marks.sent(sent));
  return 'sent';
}

/**
 * Where a send the server accepted may be recorded from: `sending`, or `send_unknown` when a
 * long outage let the reconciler give up on it meanwhile (this worker knows better).
 */
export const SENT_FROM = ['sending', 'send_unknown'] as const;

/**
 * Sends one invitation at most once. The row is claimed (`scheduled → sending`) before any
 * side effect, so a duplicate job finds nothing to do. A token is minted per attempt and
 * only its hash is stored. The send itself is the ladder of sendClaimed. If the process dies
 * before the hand-off to SMTP, the claim lapses and the reconciler sends it again; after it,
 * the row stays `sending` and becomes `send_unknown`: it is never resent automatically.
 */
export async function deliverInvitation(
  deps: DeliveryDeps,
  workspaceId: string,
  invitationId: string,
  attempt: AttemptInfo = { finalAttempt: false },
): Promise<DeliveryOutcome> {
  const { db, clock } = deps;
  const token = newToken();
  const row = await claimInvitationForSend(
    db,
    workspaceId,
    invitationId,
    hashToken(token),
    clock.now(),
  );
  if (!row) {
    return 'already_handled';
  }
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
  return sendClaimed(deps, row, workspaceId, email, attempt, {
    messageId: row.message_id,
    handed: (messageId) => ({
      db,
      invitationId,
      query: () =>
        invitationHandedUpdate(db, invitationId, hashToken(token), messageId, clock.now()),
    }),
    failed: (trx, status, lastError) =>
      markInvitation(trx, invitationId, 'sending', {
        status,
        last_error: lastError,
        // The server refused it: nothing was delivered, so it is no longer "maybe sent".
        handed_at: null,
      }),
    sent: (sent) => ({
      db,
      invitationId,
      query: () =>
        invitationUpdate(db, invitationId, SENT_FROM, {
          status: 'sent',
          sent_at: clock.now(),
          message_id: sent.messageId,
        }),
    }),
  });
}

export interface ReconcileResult {
  /** Claims whose worker died before handing the mail to SMTP, put back to be sent. */
  released: number;
  requeued: number;
  sendUnknown: number;
  expired: number;
  remindersRequeued: number;
}

/**
 * Repairs what a crash or a Redis restart can leave behind: claims that never reached SMTP
 * go back to `scheduled`; sends handed to SMTP and stuck in `sending` become `send_unknown`
 * (never resent automatically: the server may have accepted them),
 * overdue `scheduled` invitations and reminders get a fresh outbox row (the relay replaces
 * a dead job), and invitations past expiry or past the give-up time expire.
 */
export async function reconcileInvitations(
  db: Kysely<Database>,
  clock: Clock,
  options: {
    sendingTimeoutMs: number;
    overdueMs: number;
    giveUpHours: number;
    /** A claim not handed to SMTP within this long has lost its worker. */
    claimLeaseMs: number;
  },
): Promise<ReconcileResult> {
  const now = clock.now();
  const stale = new Date(now.getTime() - options.sendingTimeoutMs);
  const released = await releaseLapsedClaims(db, new Date(now.getTime() - options.claimLeaseMs));
  const overdue = new Date(now.getTime() - options.overdueMs);
  const sendUnknown = await markStaleSendsUnknown(db, stale);
  await markStaleRemindersUnknown(db, stale);
  const expired = await expireScheduledInvitations(
    db,
    now,
    new Date(now.getTime() - options.giveUpHours * 3_600_000),
  );
  const requeued = await requeueOverdueInvitations(db, now, overdue);
  const remindersRequeued = await requeueScheduledReminders(db, now, overdue);
  return { released, requeued, sendUnknown, expired, remindersRequeued };
}

/**
 * The operator's choice for a send_unknown invitation (docs/reliability.md): send it again
 * with the same Message-ID, which receiving systems use to drop a duplicate, and a new link
 * while the first stays valid. Only send_unknown invitations can be resent (409 otherwise).
 */
export async function resendUnknown(
  db: Kysely<Database>,
  clock: Clock,
  workspaceId: string,
  invitationId: string,
): Promise<void> {
  const done = await db
    .transaction()
    .execute((trx) => rescheduleUnknownSend(trx, workspaceId, invitationId, clock.now()));
  if (!done) {
    const exists = await findInvitationStatus(db, workspaceId, invitationId);
    if (!exists) {
      throw new NotFoundError('invitation_not_found', 'No such invitation in this workspace.');
    }
    throw new ConflictError(
      'not_send_unknown',
      `Only an invitation whose send is unknown can be resent; this one is ${exists.status}.`,
    );
  }
}

/** How far back a provider's later bounce report reaches: sends older than this are left. */
export const LATE_BOUNCE_DAYS = 7;

/**
 * A provider reported that `email` hard-bounced or complained after Glas handed it mail: the
 * address's unanswered sends of the last LATE_BOUNCE_DAYS are `bounced`, not `sent`, so
 * delivery figures and response rates count them as such. Runs in the caller's transaction.
 */
export async function markLateBounce(
  trx: Kysely<Database>,
  workspaceId: string,
  email: string,
  now: Date,
  reason: string,
): Promise<number> {
  const since = new Date(now.getTime() - LATE_BOUNCE_DAYS * 86_400_000);
  return markSendsToAddressBounced(trx, workspaceId, email, since, reason);
}
