import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database, JsonObject, Survey } from '../../db/schema';

/** The fields of a survey that decide an invitation, as the ingest read returns them. */
export interface IngestSurvey {
  id: string;
  status: Survey['status'];
  trigger_event_type: string;
  sampling_rate: number;
  quiet_period_days: number | null;
  delay_seconds: number;
  send_window: JsonObject | null;
  expires_after_days: number;
  segment_properties: string[];
}

export interface IngestWorkspace {
  id: string;
  time_zone: string;
  default_locale: string;
  quiet_period_days: number;
  daily_send_quota: number | null;
}

export interface IngestContact {
  id: string;
  locale: string | null;
  time_zone: string | null;
  properties: JsonObject;
  unsubscribed_at: string | null;
  bounced_at: string | null;
}

export interface StoredTwin {
  key: string;
  request_hash: string | null;
  status: number | null;
  body: JsonObject | null;
}

export interface IngestState {
  workspace: IngestWorkspace;
  surveys: IngestSurvey[];
  /** One per email asked for, in order: Postgres's lower(email), the contact, kept suppressions. */
  contacts: { key: string; contact: IngestContact | null; kept: ('unsubscribed' | 'bounced')[] }[];
  twins: StoredTwin[];
}

/**
 * Everything an ingest decides from, in one statement: the workspace, the surveys the event
 * types trigger, each email's contact (matched as the unique index matches, by lower(email))
 * with the suppressions kept for its address, and the stored twins of the idempotency keys.
 * Read without locks; `glas_ingest` checks under the contact's lock that nothing it relied on
 * changed.
 */
export async function readIngestState(
  db: Kysely<Database>,
  workspaceId: string,
  q: { types: string[]; emails: string[]; emailHashes: string[]; keys: string[] },
): Promise<IngestState | undefined> {
  const { rows } = await sql<IngestState>`
    select
      (select to_jsonb(w) from workspaces w where w.id = ${workspaceId}) as workspace,
      (select coalesce(jsonb_agg(to_jsonb(s) order by s.created_at, s.id), '[]')
         from surveys s
        where s.workspace_id = ${workspaceId} and s.trigger_event_type = any(${q.types}::text[])
          and s.status in ('active', 'paused')) as surveys,
      (select coalesce(jsonb_agg(jsonb_build_object(
                'key', lower(u.email),
                'contact', to_jsonb(c),
                'kept', (select coalesce(jsonb_agg(k.reason), '[]') from suppressed_emails k
                          where k.workspace_id = ${workspaceId} and k.email_hash = u.hash))
              order by u.n), '[]')
         from unnest(${q.emails}::text[], ${q.emailHashes}::text[]) with ordinality as u(email, hash, n)
         left join contacts c on c.workspace_id = ${workspaceId} and lower(c.email) = lower(u.email)
      ) as contacts,
      (select coalesce(jsonb_agg(jsonb_build_object('key', e.idempotency_key,
                'request_hash', e.request_hash, 'status', e.response_status,
                'body', e.response_body)), '[]')
         from events e
        where e.workspace_id = ${workspaceId} and e.idempotency_key = any(${q.keys}::text[])
      ) as twins`.execute(db);
  const row = rows[0];
  return row?.workspace ? row : undefined;
}

export interface PlannedItem {
  key: string | null;
  hash: string;
  event: { id: string; type: string; properties: JsonObject; occurred_at: string };
  contact: {
    id: string;
    email: string;
    name: string | null;
    locale: string | null;
    time_zone: string | null;
    external_id: string | null;
    properties: JsonObject;
    email_hash: string;
  };
  /** The contact as planned for; `glas_ingest` undoes the item if it is not so under the lock. */
  expect: {
    id: string;
    locale: string | null;
    time_zone: string | null;
    properties: JsonObject;
    unsubscribed: boolean;
    bounced: boolean;
  };
  invitations: {
    id: string;
    survey_id: string;
    status: 'scheduled' | 'skipped';
    skip_reason: string | null;
    /** The quiet period to check under the lock (0: none). */
    quiet_days: number;
    locale: string;
    segment: JsonObject;
    text_overrides: JsonObject | null;
    send_at: string;
    expires_at: string;
  }[];
}

export type ItemOutcome =
  | { outcome: 'ok'; body: JsonObject; quota_alert: boolean }
  | { outcome: 'replay'; request_hash: string | null; status: number | null; body: JsonObject }
  | { outcome: 'in_flight' | 'stale' }
  | { outcome: 'conflict'; constraint: string };

/** One contact of a batch: as read (the plan's premise) and its items' fields merged in order. */
export interface SetContact {
  id: string;
  email: string;
  email_hash: string;
  existed: boolean;
  locale: string | null;
  time_zone: string | null;
  properties: JsonObject;
  unsubscribed: boolean;
  bounced: boolean;
  name: string | null;
  set_locale: string | null;
  set_time_zone: string | null;
  external_id: string | null;
  set_properties: JsonObject;
}

/**
 * A batch's plan in the flat shape `glas_ingest_set` stores with a constant number of
 * statements: its distinct contacts, and its items' events and invitations in order.
 */
function setShape(items: PlannedItem[], contacts: SetContact[]) {
  let seq = 0;
  return {
    contacts,
    events: items.map((it, n) => ({
      n,
      id: it.event.id,
      type: it.event.type,
      contact_id: it.contact.id,
      properties: it.event.properties,
      key: it.key,
      hash: it.hash,
      occurred_at: it.event.occurred_at,
    })),
    invitations: items.flatMap((it, n) =>
      it.invitations.map((inv) => ({
        ...inv,
        item: n,
        seq: seq++,
        contact_id: it.contact.id,
        event_id: it.event.id,
      })),
    ),
  };
}

/**
 * Stores planned events in one statement and one transaction, returning an outcome per item,
 * in order. One event: `glas_ingest`, each item in its own subtransaction. A batch (given its
 * contacts): `glas_ingest_batch`, set-based; only if the set cannot be stored whole (a twin, a
 * changed contact, the quota crossed: see the migrations) a second statement walks it per
 * item (`walked`).
 */
export async function storePlannedEvents(
  db: Kysely<Database>,
  p: {
    workspaceId: string;
    now: Date;
    quota: number | null;
    quotaDay: string;
    lockKeys: boolean;
    items: PlannedItem[];
    contacts?: SetContact[];
  },
): Promise<{ outcomes: ItemOutcome[]; walked: boolean }> {
  const head = {
    workspace_id: p.workspaceId,
    now: p.now.toISOString(),
    quota: p.quota,
    quota_day: p.quotaDay,
    lock_keys: p.lockKeys,
  };
  if (p.contacts) {
    const set = JSON.stringify({ ...head, ...setShape(p.items, p.contacts) });
    const { rows } = await sql<{
      r: ItemOutcome[] | null;
    }>`select glas_ingest_batch(${set}::jsonb) as r`.execute(db);
    if (rows[0]!.r) {
      return { outcomes: rows[0]!.r, walked: false };
    }
  }
  const plan = JSON.stringify({ ...head, items: p.items });
  const { rows } = await sql<{
    r: ItemOutcome[];
  }>`select glas_ingest(${plan}::jsonb) as r`.execute(db);
  return { outcomes: rows[0]!.r, walked: true };
}
