import type { Kysely } from 'kysely';
import type { Contact, Database, Survey, Workspace } from '../../db/schema';
import {
  hasLiveInvitationSince,
  incrementDailySendCount,
  incrementOverQuota,
  lockContactDecisions,
  markDayRefusedFromStart,
} from './eligibility.repository';
import { isSampledIn } from './sampling';
import { localDay } from '../surveys/send-window';

/** Why an event did not become a sent invitation; stored on the skipped invitation row. */
export type SkipReason =
  'survey_paused' | 'unsubscribed' | 'bounced' | 'sampled_out' | 'quiet_period' | 'quota_exceeded';

export const SKIP_REASONS: readonly SkipReason[] = [
  'survey_paused',
  'unsubscribed',
  'bounced',
  'sampled_out',
  'quiet_period',
  'quota_exceeded',
];

/**
 * Serialises every eligibility decision for one contact: concurrent events for the same
 * contact queue here until the first transaction commits, so the quiet-period read below
 * always sees the invitation a twin just created (READ COMMITTED re-reads per statement).
 */
export async function lockContact(db: Kysely<Database>, contactId: string): Promise<void> {
  await lockContactDecisions(db, contactId);
}

async function inQuietPeriod(
  db: Kysely<Database>,
  workspaceId: string,
  contactId: string,
  days: number,
  now: Date,
): Promise<boolean> {
  if (days <= 0) {
    return false;
  }
  return hasLiveInvitationSince(
    db,
    workspaceId,
    contactId,
    new Date(now.getTime() - days * 86_400_000),
  );
}

export interface QuotaOutcome {
  allowed: boolean;
  /** True exactly once per workspace and day: the first invitation refused by the quota. */
  firstRefusal: boolean;
}

/**
 * Takes one unit of the workspace's daily quota. The counter row is updated in place, so
 * concurrent transactions queue on its row lock and the quota is never overshot.
 */
export async function takeQuota(
  db: Kysely<Database>,
  workspace: Workspace,
  now: Date,
): Promise<QuotaOutcome> {
  const quota = workspace.daily_send_quota;
  if (quota === null) {
    return { allowed: true, firstRefusal: false };
  }
  const day = localDay(now, workspace.time_zone);
  const invited = await incrementDailySendCount(db, workspace.id, day, quota);
  if (invited !== undefined && invited <= quota) {
    return { allowed: true, firstRefusal: false };
  }
  if (invited !== undefined) {
    // A quota of 0: the fresh row itself is over it.
    await markDayRefusedFromStart(db, workspace.id, day);
    return { allowed: false, firstRefusal: true };
  }
  const over = await incrementOverQuota(db, workspace.id, day);
  return { allowed: false, firstRefusal: over === 1 };
}

export interface Decision {
  skipReason: SkipReason | null;
  quotaAlert: boolean;
}

/**
 * Decides whether this event invites this contact to this survey. Checks run cheapest and
 * most permanent first; the quota is taken last so only real invitations count against it.
 * The caller must hold the contact lock (lockContact) inside the same transaction.
 */
export async function decideInvitation(
  db: Kysely<Database>,
  input: {
    workspace: Workspace;
    survey: Survey;
    contact: Contact;
    /** Identity of the event for sampling: stable across retries of the same request. */
    eventIdentity: string;
    now: Date;
    /** A send recorded elsewhere (Delighted's `last_sent_at`) starts a quiet period too. */
    lastSentAt?: Date | null;
  },
): Promise<Decision> {
  const { workspace, survey, contact, now } = input;
  const skip = (skipReason: SkipReason): Decision => ({ skipReason, quotaAlert: false });
  if (survey.status !== 'active') {
    return skip('survey_paused');
  }
  if (contact.unsubscribed_at) {
    return skip('unsubscribed');
  }
  if (contact.bounced_at) {
    return skip('bounced');
  }
  if (!isSampledIn(survey.sampling_rate, [survey.id, contact.id, input.eventIdentity])) {
    return skip('sampled_out');
  }
  const quietDays = survey.quiet_period_days ?? workspace.quiet_period_days;
  const sentElsewhere =
    quietDays > 0 &&
    !!input.lastSentAt &&
    input.lastSentAt.getTime() > now.getTime() - quietDays * 86_400_000;
  if (sentElsewhere || (await inQuietPeriod(db, workspace.id, contact.id, quietDays, now))) {
    return skip('quiet_period');
  }
  const quota = await takeQuota(db, workspace, now);
  if (!quota.allowed) {
    return { skipReason: 'quota_exceeded', quotaAlert: quota.firstRefusal };
  }
  return { skipReason: null, quotaAlert: false };
}
