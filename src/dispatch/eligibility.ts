import type { Kysely } from 'kysely';
import type { Contact, Database, Survey, Workspace } from '../../db/schema';
import {
  findContactForDecision,
  lockContactDecisions,
  takeDailyQuota,
} from './eligibility.repository';
import { NotFoundError } from '../errors';
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
 * contact queue on this lock until the first transaction commits. Only then is the contact
 * re-read (READ COMMITTED takes a snapshot per statement, so a twin's unsubscribe or
 * invitation is seen) with the creation time of its latest live invitation, from which each
 * survey's quiet period is decided: two round trips.
 */
export async function lockContactForDecision(
  db: Kysely<Database>,
  workspaceId: string,
  contactId: string,
): Promise<{ contact: Contact; lastLiveAt: Date | null }> {
  await lockContactDecisions(db, contactId);
  const row = await findContactForDecision(db, workspaceId, contactId);
  if (!row) {
    throw new NotFoundError('contact_not_found', 'Contact not found.');
  }
  const { last_live_at: lastLiveAt, ...contact } = row;
  return { contact, lastLiveAt: lastLiveAt ? new Date(lastLiveAt) : null };
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
  const taken = await takeDailyQuota(db, workspace.id, localDay(now, workspace.time_zone), quota);
  return { allowed: taken > 0, firstRefusal: taken < 0 };
}

/**
 * The checks that need no lock, in their order: paused, unsubscribed, bounced, sampling. The
 * quiet period and the quota come after them, decided under the contact's lock.
 */
export function skipBeforeQuietPeriod(
  survey: Pick<Survey, 'id' | 'status' | 'sampling_rate'>,
  contact: { id: string; unsubscribed_at: unknown; bounced_at: unknown },
  eventIdentity: string,
): SkipReason | null {
  if (survey.status !== 'active') {
    return 'survey_paused';
  }
  if (contact.unsubscribed_at) {
    return 'unsubscribed';
  }
  if (contact.bounced_at) {
    return 'bounced';
  }
  if (!isSampledIn(survey.sampling_rate, [survey.id, contact.id, eventIdentity])) {
    return 'sampled_out';
  }
  return null;
}

export interface Decision {
  skipReason: SkipReason | null;
  quotaAlert: boolean;
}

/**
 * Decides whether this event invites this contact to this survey. Checks run cheapest and
 * most permanent first; the quota is taken last so only real invitations count against it.
 * The caller must hold the contact lock (lockContactForDecision) inside the same transaction.
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
    /**
     * When the contact's latest live invitation was created, read under the contact lock
     * (findContactForDecision) and moved forward by the caller for each one it creates.
     */
    lastLiveAt: Date | null;
  },
): Promise<Decision> {
  const { workspace, survey, contact, now } = input;
  const skip = (skipReason: SkipReason): Decision => ({ skipReason, quotaAlert: false });
  const early = skipBeforeQuietPeriod(survey, contact, input.eventIdentity);
  if (early) {
    return skip(early);
  }
  const quietDays = survey.quiet_period_days ?? workspace.quiet_period_days;
  const quietSince = now.getTime() - quietDays * 86_400_000;
  const within = (at: Date | null | undefined) => !!at && at.getTime() > quietSince;
  if (quietDays > 0 && (within(input.lastSentAt) || within(input.lastLiveAt))) {
    return skip('quiet_period');
  }
  const quota = await takeQuota(db, workspace, now);
  if (!quota.allowed) {
    return { skipReason: 'quota_exceeded', quotaAlert: quota.firstRefusal };
  }
  return { skipReason: null, quotaAlert: false };
}
