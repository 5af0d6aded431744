import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database, JsonObject } from '../../db/schema';
import type { Clock } from '../clock';
import { AppError, ConflictError, NotFoundError } from '../errors';
import type { EmailHasher } from '../platform/keyed-hash';
import { resolveLocale } from '../surveys/i18n';
import { localDay, nextSendTime } from '../surveys/send-window';
import type { SendWindow } from '../surveys/send-window';
import { skipBeforeQuietPeriod } from './eligibility';
import type { CreateEventBody, EventAcceptedDto } from './event.schemas';
import { inFlight, replayOrRefuse, requestHash, segmentSnapshot } from './event.service';
import type { IngestResult } from './event.service';
import { readIngestState, storePlannedEvents } from './ingest.repository';
import type {
  IngestContact,
  IngestState,
  IngestSurvey,
  ItemOutcome,
  PlannedItem,
  SetContact,
} from './ingest.repository';

/**
 * Event ingest in three round trips whatever the batch size: the API key, one read of all
 * the items need (readIngestState), and one call of `glas_ingest` storing them. Node decides
 * what needs no lock; the function decides the quiet period and the quota under the contact's
 * row lock and undoes an item planned for a contact that changed meanwhile, which is then
 * planned again from a fresh read (a few attempts; each one is two more statements).
 */

export interface BatchItemResult {
  index: number;
  status: number;
  replayed?: boolean;
  event?: EventAcceptedDto['event'];
  invitations?: EventAcceptedDto['invitations'];
  error?: { code: string; message: string; details?: unknown };
}

interface Item {
  input: CreateEventBody;
  key: string | null;
  hash: string;
}

type ItemResult = { ok: IngestResult } | { error: AppError };

/** The contact as each planned item leaves it (the upsert's rules, applied in Node). */
interface ContactState {
  id: string;
  locale: string | null;
  time_zone: string | null;
  properties: JsonObject;
  unsubscribed: boolean;
  bounced: boolean;
}

const ATTEMPTS = 5;

function afterUpsert(
  before: IngestContact | null,
  kept: string[],
  prev: ContactState | undefined,
  input: CreateEventBody['contact'],
): ContactState {
  const base: ContactState =
    prev ??
    (before
      ? {
          id: before.id,
          locale: before.locale,
          time_zone: before.time_zone,
          properties: before.properties,
          unsubscribed: before.unsubscribed_at !== null,
          bounced: before.bounced_at !== null,
        }
      : {
          id: randomUUID(),
          locale: null,
          time_zone: null,
          properties: {},
          unsubscribed: kept.includes('unsubscribed'),
          bounced: kept.includes('bounced'),
        });
  return {
    ...base,
    locale: input.locale ?? base.locale,
    time_zone: input.timeZone ?? base.time_zone,
    properties: { ...base.properties, ...(input.properties ?? {}) },
  };
}

/** A batch's contact: its state as read, then each item's fields as the upsert merges them. */
function mergeContact(
  merged: Map<string, SetContact>,
  found: IngestState['contacts'][number],
  id: string,
  input: CreateEventBody['contact'],
  emailHash: string,
): void {
  const before = found.contact;
  const c: SetContact = merged.get(found.key) ?? {
    id,
    email: input.email,
    email_hash: emailHash,
    existed: before !== null,
    locale: before?.locale ?? null,
    time_zone: before?.time_zone ?? null,
    properties: before?.properties ?? {},
    unsubscribed: before ? before.unsubscribed_at !== null : found.kept.includes('unsubscribed'),
    bounced: before ? before.bounced_at !== null : found.kept.includes('bounced'),
    name: null,
    set_locale: null,
    set_time_zone: null,
    external_id: null,
    set_properties: {},
  };
  c.name = input.name ?? c.name;
  c.set_locale = input.locale ?? c.set_locale;
  c.set_time_zone = input.timeZone ?? c.set_time_zone;
  c.external_id = input.externalId ?? c.external_id;
  c.set_properties = { ...c.set_properties, ...(input.properties ?? {}) };
  merged.set(found.key, c);
}

function planItem(
  state: IngestState,
  item: Item,
  contact: ContactState,
  emailHash: string,
  now: Date,
): PlannedItem {
  const { workspace } = state;
  const { input } = item;
  const locale = resolveLocale(contact.locale, resolveLocale(workspace.default_locale, 'en'));
  const surveys = state.surveys.filter((s) => s.trigger_event_type === input.type);
  const flags = {
    id: contact.id,
    unsubscribed_at: contact.unsubscribed ? now : null,
    bounced_at: contact.bounced ? now : null,
  };
  const invitation = (survey: IngestSurvey) => {
    const skip = skipBeforeQuietPeriod(survey, flags, item.key ?? item.hash);
    const sendAt = nextSendTime(
      new Date(now.getTime() + survey.delay_seconds * 1000),
      survey.send_window as SendWindow | null,
      contact.time_zone ?? workspace.time_zone,
    );
    return {
      id: randomUUID(),
      survey_id: survey.id,
      status: skip ? ('skipped' as const) : ('scheduled' as const),
      skip_reason: skip,
      quiet_days: survey.quiet_period_days ?? workspace.quiet_period_days,
      locale,
      segment: segmentSnapshot(survey, contact.properties, input.properties, locale),
      text_overrides: null,
      send_at: sendAt.toISOString(),
      expires_at: new Date(sendAt.getTime() + survey.expires_after_days * 86_400_000).toISOString(),
    };
  };
  return {
    key: item.key,
    hash: item.hash,
    event: {
      id: randomUUID(),
      type: input.type,
      properties: input.properties,
      occurred_at: (input.occurredAt ? new Date(input.occurredAt) : now).toISOString(),
    },
    contact: {
      id: contact.id,
      email: input.contact.email,
      name: input.contact.name ?? null,
      locale: input.contact.locale ?? null,
      time_zone: input.contact.timeZone ?? null,
      external_id: input.contact.externalId ?? null,
      properties: input.contact.properties ?? {},
      email_hash: emailHash,
    },
    expect: {
      id: contact.id,
      locale: contact.locale,
      time_zone: contact.time_zone,
      properties: contact.properties,
      unsubscribed: contact.unsubscribed,
      bounced: contact.bounced,
    },
    invitations: surveys.map(invitation),
  };
}

function resolve(item: Item, outcome: ItemOutcome): ItemResult | 'stale' {
  switch (outcome.outcome) {
    case 'ok':
      return {
        ok: {
          status: 202,
          body: outcome.body as unknown as EventAcceptedDto,
          replayed: false,
          quotaAlert: outcome.quota_alert,
        },
      };
    case 'replay':
      return wrap(() => replayOrRefuse(outcome, item.hash));
    case 'in_flight':
      return { error: inFlight() };
    case 'conflict':
      return {
        error: new ConflictError('contact_exists', 'Another contact already has this externalId.', [
          {
            field: 'contact.externalId',
            issue: 'already used by another contact',
            location: 'body',
          },
        ]),
      };
    case 'stale':
      return 'stale';
  }
}

function wrap(fn: () => IngestResult): ItemResult {
  try {
    return { ok: fn() };
  } catch (err) {
    if (err instanceof AppError) {
      return { error: err };
    }
    throw err;
  }
}

/** Ingests the items, each atomic on its own; results in the items' order. */
async function ingestItems(
  db: Kysely<Database>,
  clock: Clock,
  workspaceId: string,
  items: Item[],
  hashEmail: EmailHasher,
  lockKeys: boolean,
): Promise<{ results: ItemResult[]; walked: boolean }> {
  const now = clock.now();
  const hashes = new Map<string, string>();
  const hashOnce = (email: string) => {
    let h = hashes.get(email);
    if (h === undefined) {
      h = hashEmail(email);
      hashes.set(email, h);
    }
    return h;
  };
  const results: (ItemResult | undefined)[] = new Array<ItemResult | undefined>(items.length);
  let pending = items.map((_, i) => i);
  let walked = false;
  for (let attempt = 0; attempt < ATTEMPTS && pending.length > 0; attempt++) {
    const batch = pending.map((i) => items[i]!);
    // NOTE: one keyed hash per address, not one per use (a batch repeats people).
    const emailHashes = batch.map((b) => hashOnce(b.input.contact.email));
    const state = await readIngestState(db, workspaceId, {
      types: [...new Set(batch.map((b) => b.input.type))],
      emails: batch.map((b) => b.input.contact.email),
      emailHashes,
      keys: batch.flatMap((b) => (b.key === null ? [] : [b.key])),
    });
    if (!state) {
      throw new NotFoundError('workspace_not_found', 'Workspace not found.');
    }
    const twins = new Map(state.twins.map((t) => [t.key, t]));
    const contacts = new Map<string, ContactState>();
    const merged = new Map<string, SetContact>();
    const toStore: { index: number; plan: PlannedItem }[] = [];
    batch.forEach((item, n) => {
      const index = pending[n]!;
      const twin = item.key === null ? undefined : twins.get(item.key);
      if (twin) {
        results[index] = resolve(item, {
          outcome: 'replay',
          ...twin,
          body: twin.body ?? {},
        }) as ItemResult;
        return;
      }
      const found = state.contacts[n]!;
      const contact = afterUpsert(
        found.contact,
        found.kept,
        contacts.get(found.key),
        item.input.contact,
      );
      contacts.set(found.key, contact);
      mergeContact(merged, found, contact.id, item.input.contact, emailHashes[n]!);
      toStore.push({ index, plan: planItem(state, item, contact, emailHashes[n]!, now) });
    });
    if (toStore.length === 0) {
      pending = [];
      break;
    }
    const stored = await storePlannedEvents(db, {
      workspaceId,
      now,
      quota: state.workspace.daily_send_quota,
      quotaDay: localDay(now, state.workspace.time_zone),
      lockKeys,
      items: toStore.map((s) => s.plan),
      ...(lockKeys ? {} : { contacts: [...merged.values()] }),
    });
    walked ||= stored.walked;
    const stale: number[] = [];
    toStore.forEach(({ index }, n) => {
      const r = resolve(items[index]!, stored.outcomes[n]!);
      if (r === 'stale') {
        stale.push(index);
      } else {
        results[index] = r;
      }
    });
    pending = stale;
  }
  for (const i of pending) {
    results[i] = {
      error: new ConflictError(
        'contact_busy',
        'The contact changed while this event was being recorded; retry shortly.',
      ),
    };
  }
  return { results: results as ItemResult[], walked };
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
): Promise<IngestResult> {
  const key = headerKey ?? input.idempotencyKey ?? null;
  // The key itself is not part of the body it guards.
  const hash = requestHash({ ...input, idempotencyKey: undefined });
  const {
    results: [result],
  } = await ingestItems(db, clock, workspaceId, [{ input, key, hash }], hashEmail, true);
  if ('error' in result!) {
    throw result.error;
  }
  return result!.ok;
}

/**
 * Ingests up to 1,000 events in a constant number of statements; each item is atomic on its
 * own (one failure does not undo the others). An item's key is its `idempotencyKey`, else
 * `<Idempotency-Key header>:<index>`, so re-posting the same batch replays every item. A twin
 * of an item still in flight is waited for and replayed (the events' unique key), not refused.
 */
export async function ingestEvents(
  db: Kysely<Database>,
  clock: Clock,
  workspaceId: string,
  inputs: CreateEventBody[],
  headerKey: string | undefined,
  hashEmail: EmailHasher,
): Promise<{ results: BatchItemResult[]; quotaAlert: boolean; walked: boolean }> {
  const items = inputs.map((input, i) => ({
    input,
    key: input.idempotencyKey ?? (headerKey ? `${headerKey}:${i}` : null),
    hash: requestHash({ ...input, idempotencyKey: undefined }),
  }));
  const { results: out, walked } = await ingestItems(
    db,
    clock,
    workspaceId,
    items,
    hashEmail,
    false,
  );
  let quotaAlert = false;
  const results = out.map((r, index): BatchItemResult => {
    if ('error' in r) {
      const err = r.error;
      return {
        index,
        status: err.status,
        error: {
          code: err.code,
          message: err.message,
          ...(err.details ? { details: err.details } : {}),
        },
      };
    }
    quotaAlert ||= r.ok.quotaAlert;
    return { index, status: r.ok.status, replayed: r.ok.replayed, ...r.ok.body };
  });
  // walked: the set attempt failed and the batch was stored item by item (for tests and logs).
  return { results, quotaAlert, walked };
}
