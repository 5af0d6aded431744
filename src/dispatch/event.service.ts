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
import type { Clock } from '../clock';
import { AppError, ConflictError, UnprocessableError } from '../errors';
import type { EmailHasher } from '../platform/keyed-hash';
import { ensureContact } from '../contacts/contact.service';
import { decideInvitation, lockContactForDecision } from './eligibility';
import { findEventByIdempotencyKey, insertEvent, tryLockIdempotencyKey } from './event.repository';
import type { CreateEventBody, EventAcceptedDto } from './event.schemas';
import { resolveLocale } from '../surveys/i18n';
import type { Locale } from '../surveys/i18n/types';
import { insertInvitationsWithOutbox } from './invitation.repository';
import { nextSendTime } from '../surveys/send-window';
import type { SendWindow } from '../surveys/send-window';
import { surveysTriggeredBy } from '../surveys/survey.service';
import { getWorkspace } from '../workspaces/workspace.service';

export interface IngestResult {
  status: number;
  body: EventAcceptedDto;
  replayed: boolean;
  /** Set when this event was the first one of the day refused by the daily send quota. */
  quotaAlert: boolean;
}

function requestHash(body: unknown): string {
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

function replay(existing: Event, hash: string): IngestResult {
  if (existing.request_hash !== hash) {
    throw new UnprocessableError(
      'idempotency_key_reused',
      'This Idempotency-Key was already used with a different request body.',
      keyDetail('already used with a different body'),
    );
  }
  return {
    status: existing.response_status ?? 202,
    body: existing.response_body as unknown as EventAcceptedDto,
    replayed: true,
    quotaAlert: false,
  };
}

/** The segment snapshot: the survey's chosen properties from the contact and the event, plus locale. */
function segmentSnapshot(survey: Survey, contact: Contact, event: JsonObject, locale: Locale) {
  const merged: JsonObject = { ...contact.properties, ...event };
  const segment: JsonObject = { locale };
  for (const key of survey.segment_properties) {
    if (merged[key] !== undefined && merged[key] !== null) {
      segment[key] = merged[key];
    }
  }
  return segment;
}

/** Holds the key for this transaction; a twin already holding it means the first is in flight. */
async function claimIdempotencyKey(db: Kysely<Database>, workspaceId: string, key: string) {
  if (!(await tryLockIdempotencyKey(db, workspaceId, key))) {
    throw new ConflictError(
      'idempotency_key_in_flight',
      'A request with this Idempotency-Key is still being processed; retry shortly.',
      keyDetail('a request with this key is in flight'),
    );
  }
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
      segment: JSON.stringify(segmentSnapshot(survey, contact, input.properties, locale)),
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

/**
 * Records one customer event and the invitations it triggers, all in one Postgres
 * transaction (event, invitations, outbox rows). Never touches Redis, so ingest keeps
 * working while Redis is down; the outbox relay hands the sends to BullMQ later.
 *
 * With an idempotency key: a finished twin is replayed (or refused with 422 if its body
 * differs); a twin still in flight gets 409 and nothing is saved, so the client can retry.
 */
export async function ingestEvent(
  db: Kysely<Database>,
  clock: Clock,
  workspaceId: string,
  input: CreateEventBody,
  headerKey: string | undefined,
  hashEmail: EmailHasher,
  workspace?: Workspace,
): Promise<IngestResult> {
  const key = headerKey ?? input.idempotencyKey ?? null;
  // The key itself is not part of the body it guards.
  const hash = requestHash({ ...input, idempotencyKey: undefined });
  const now = clock.now();
  const ws = workspace ?? (await getWorkspace(db, workspaceId));

  return db.transaction().execute(async (trx) => {
    if (key !== null) {
      await claimIdempotencyKey(trx, workspaceId, key);
      const existing = await findEventByIdempotencyKey(trx, workspaceId, key);
      if (existing) {
        return replay(existing, hash);
      }
    }
    const eventId = randomUUID();
    const { contact } = await ensureContact(trx, workspaceId, input.contact, now, hashEmail);
    const surveys = await surveysTriggeredBy(trx, workspaceId, input.type);
    let plan: InvitationPlan = { rows: [], invitations: [], quotaAlert: false };
    if (surveys.length > 0) {
      // Re-read after the lock: a twin may have unsubscribed or invited this contact meanwhile.
      const fresh = await lockContactForDecision(trx, workspaceId, contact.id);
      plan = await planInvitations(trx, {
        workspace: ws,
        contact: fresh.contact,
        lastLiveAt: fresh.lastLiveAt,
        eventId,
        surveys,
        input,
        // Sampling identity: the key when there is one, else the body (same retry, same answer).
        eventIdentity: key ?? hash,
        now,
      });
    }

    const body: EventAcceptedDto = {
      event: { id: eventId, type: input.type, contactId: contact.id },
      invitations: plan.invitations,
    };
    // The event goes in last, with its invitations and outbox rows: one statement.
    await insertInvitationsWithOutbox(trx, plan.rows, {
      id: eventId,
      workspace_id: workspaceId,
      type: input.type,
      properties: JSON.stringify(input.properties),
      idempotency_key: key,
      request_hash: hash,
      occurred_at: input.occurredAt ?? now,
      created_at: now,
      contact_id: contact.id,
      response_status: 202,
      response_body: JSON.stringify(body),
    });
    return { status: 202, body, replayed: false, quotaAlert: plan.quotaAlert };
  });
}

export interface BatchItemResult {
  index: number;
  status: number;
  replayed?: boolean;
  event?: EventAcceptedDto['event'];
  invitations?: EventAcceptedDto['invitations'];
  error?: { code: string; message: string; details?: unknown };
}

/**
 * Ingests up to 1,000 events, each in its own transaction (one failure does not undo the
 * others). An item's key is its `idempotencyKey`, else `<Idempotency-Key header>:<index>`,
 * so re-posting the same batch replays every item.
 */
export async function ingestEvents(
  db: Kysely<Database>,
  clock: Clock,
  workspaceId: string,
  items: CreateEventBody[],
  headerKey: string | undefined,
  hashEmail: EmailHasher,
  parallel = 4,
): Promise<{ results: BatchItemResult[]; quotaAlert: boolean }> {
  const workspace = await getWorkspace(db, workspaceId);
  const results: BatchItemResult[] = new Array<BatchItemResult>(items.length);
  let quotaAlert = false;
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) {
      const item = items[i]!;
      const key = item.idempotencyKey ?? (headerKey ? `${headerKey}:${i}` : undefined);
      try {
        const r = await ingestEvent(db, clock, workspaceId, item, key, hashEmail, workspace);
        quotaAlert ||= r.quotaAlert;
        results[i] = { index: i, status: r.status, replayed: r.replayed, ...r.body };
      } catch (err) {
        if (!(err instanceof AppError)) {
          throw err;
        }
        results[i] = {
          index: i,
          status: err.status,
          error: {
            code: err.code,
            message: err.message,
            ...(err.details ? { details: err.details } : {}),
          },
        };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, items.length) }, worker));
  return { results, quotaAlert };
}
