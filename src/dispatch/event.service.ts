import { createHash, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type {
  Contact,
  Database,
  Event,
  JsonObject,
  NewInvitation,
  Survey,
  Workspace,
} from '../../db/schema';
import { ConflictError, UnprocessableError } from '../errors';
import { decideInvitation, lockContactForDecision } from './eligibility';
import { insertEvent } from './event.repository';
import type { CreateEventBody, EventAcceptedDto } from './event.schemas';
import { resolveLocale } from '../surveys/i18n';
import type { Locale } from '../surveys/i18n/types';
import { insertInvitationsWithOutbox } from './invitation.repository';
import { nextSendTime } from '../surveys/send-window';
import type { SendWindow } from '../surveys/send-window';

export interface IngestResult {
  status: number;
  body: EventAcceptedDto;
  replayed: boolean;
  /** Set when this event was the first one of the day refused by the daily send quota. */
  quotaAlert: boolean;
}

export function requestHash(body: unknown): string {
  return createHash('sha256').update(stableJson(body)).digest('hex');
}

/** JSON with sorted keys, so the same body hashes the same whatever its key order. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(stableJson).join(',')}]`;
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const keyDetail = (issue: string) => [
  { field: 'Idempotency-Key', issue, location: 'header' as const },
];

/** A stored twin of a keyed request: replayed when the body is the same, else 422. */
export function replayOrRefuse(
  twin: { request_hash: string | null; status: number | null; body: unknown },
  hash: string,
): IngestResult {
  if (twin.request_hash !== hash) {
    throw new UnprocessableError(
      'idempotency_key_reused',
      'This Idempotency-Key was already used with a different request body.',
      keyDetail('already used with a different body'),
    );
  }
  return {
    status: twin.status ?? 202,
    body: twin.body as EventAcceptedDto,
    replayed: true,
    quotaAlert: false,
  };
}

export function inFlight(): ConflictError {
  return new ConflictError(
    'idempotency_key_in_flight',
    'A request with this Idempotency-Key is still being processed; retry shortly.',
    keyDetail('a request with this key is in flight'),
  );
}

/** The segment snapshot: the survey's chosen properties from the contact and the event, plus locale. */
export function segmentSnapshot(
  survey: Pick<Survey, 'segment_properties'>,
  contactProperties: JsonObject,
  event: JsonObject,
  locale: Locale,
) {
  const merged: JsonObject = { ...contactProperties, ...event };
  const segment: JsonObject = { locale };
  for (const key of survey.segment_properties) {
    if (merged[key] !== undefined && merged[key] !== null) {
      segment[key] = merged[key];
    }
  }
  return segment;
}

type PlannedInvitation = NewInvitation & { id: string };

interface InvitationPlan {
  rows: PlannedInvitation[];
  invitations: EventAcceptedDto['invitations'];
  quotaAlert: boolean;
}

/**
 * Decides the invitations of one event for one contact, in order, without writing them (the
 * quota is taken as it goes); the caller holds the contact lock and stores the rows.
 */
async function planInvitations(
  trx: Kysely<Database>,
  ctx: {
    workspace: Workspace;
    contact: Contact;
    eventId: string;
    surveys: Survey[];
    input: CreateEventBody;
    eventIdentity: string;
    now: Date;
    /** Overrides the survey's delay (the Delighted API's `delay`). */
    delaySeconds?: number;
    /** Per-invitation texts over the survey's (Delighted's special properties). */
    textOverrides?: JsonObject | null;
    /** When another system last surveyed this contact; counts toward the quiet period. */
    lastSentAt?: Date | null;
    /** From lockContactForDecision: when the contact's latest live invitation was created. */
    lastLiveAt: Date | null;
  },
): Promise<InvitationPlan> {
  const { workspace, contact, input, now } = ctx;
  const plan: InvitationPlan = { rows: [], invitations: [], quotaAlert: false };
  let lastLiveAt = ctx.lastLiveAt;
  const locale = resolveLocale(contact.locale, resolveLocale(workspace.default_locale, 'en'));
  for (const survey of ctx.surveys) {
    const decision = await decideInvitation(trx, {
      workspace,
      survey,
      contact,
      eventIdentity: ctx.eventIdentity,
      now,
      lastSentAt: ctx.lastSentAt ?? null,
      lastLiveAt,
    });
    plan.quotaAlert ||= decision.quotaAlert;
    const sendAt = nextSendTime(
      new Date(now.getTime() + (ctx.delaySeconds ?? survey.delay_seconds) * 1000),
      survey.send_window as SendWindow | null,
      contact.time_zone ?? workspace.time_zone,
    );
    const skipReason = decision.skipReason;
    const row: PlannedInvitation = {
      id: randomUUID(),
      workspace_id: workspace.id,
      survey_id: survey.id,
      contact_id: contact.id,
      event_id: ctx.eventId,
      status: skipReason ? 'skipped' : 'scheduled',
      skip_reason: skipReason,
      locale,
      segment: JSON.stringify(
        segmentSnapshot(survey, contact.properties, input.properties, locale),
      ),
      text_overrides: ctx.textOverrides ? JSON.stringify(ctx.textOverrides) : null,
      send_at: sendAt,
      expires_at: new Date(sendAt.getTime() + survey.expires_after_days * 86_400_000),
      created_at: now,
    };
    if (!skipReason) {
      // The next survey's quiet period sees this invitation, as a re-read would.
      lastLiveAt = now;
    }
    plan.rows.push(row);
    plan.invitations.push({
      id: row.id,
      surveyId: survey.id,
      status: skipReason ? 'skipped' : 'scheduled',
      skipReason,
      sendAt: sendAt.toISOString(),
    });
  }
  return plan;
}

/** Decides and records invitations for an event already stored; the caller holds the contact lock. */
export async function inviteForSurveys(
  trx: Kysely<Database>,
  ctx: Omit<Parameters<typeof planInvitations>[1], 'eventId'> & { event: Event },
) {
  const plan = await planInvitations(trx, { ...ctx, eventId: ctx.event.id });
  const inserted = await insertInvitationsWithOutbox(trx, plan.rows);
  return {
    invitations: plan.invitations.filter((i) => inserted.has(i.id)),
    quotaAlert: plan.quotaAlert,
  };
}

/**
 * An event for a known contact (the /v1 survey requests): takes the contact lock, re-reads
 * the contact under it (a twin may have unsubscribed or invited them meanwhile) and records
 * the event. The caller then decides invitations with inviteForSurveys in the same transaction.
 */
export async function recordContactEvent(
  trx: Kysely<Database>,
  e: { workspaceId: string; contactId: string; type: string; properties: JsonObject; now: Date },
): Promise<{ contact: Contact; event: Event; lastLiveAt: Date | null }> {
  const { contact, lastLiveAt } = await lockContactForDecision(trx, e.workspaceId, e.contactId);
  const event = await insertEvent(trx, {
    workspace_id: e.workspaceId,
    type: e.type,
    properties: JSON.stringify(e.properties),
    contact_id: contact.id,
    occurred_at: e.now,
    created_at: e.now,
  });
  return { contact, event, lastLiveAt };
}
