import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database, JsonObject, SurveyKind } from '../../../db/schema';

export async function findSurveyByName(
  db: Kysely<Database>,
  workspaceId: string,
  name: string,
  kind: SurveyKind,
) {
  return db
    .selectFrom('surveys')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('name', '=', name)
    .where('kind', '=', kind)
    .orderBy('created_at')
    .limit(1)
    .executeTakeFirst();
}

export interface ExistingContact {
  email: string;
  name: string | null;
  locale: string | null;
  properties: JsonObject;
  unsubscribed_at: Date | null;
  bounced_at: Date | null;
}

/** Contacts by lower-cased email (the dry run compares them with the file). */
export async function findContactsByEmails(
  db: Kysely<Database>,
  workspaceId: string,
  emails: string[],
): Promise<Map<string, ExistingContact>> {
  if (emails.length === 0) {
    return new Map();
  }
  const rows = await db
    .selectFrom('contacts')
    .select([
      sql<string>`lower(email)`.as('email'),
      'name',
      'locale',
      'properties',
      'unsubscribed_at',
      'bounced_at',
    ])
    .where('workspace_id', '=', workspaceId)
    .where(
      sql<string>`lower(email)`,
      'in',
      emails.map((e) => e.toLowerCase()),
    )
    .execute();
  return new Map(rows.map((r) => [r.email, r]));
}

export async function findExistingExternalIds(
  db: Kysely<Database>,
  workspaceId: string,
  externalIds: string[],
): Promise<Set<string>> {
  if (externalIds.length === 0) {
    return new Set();
  }
  const rows = await db
    .selectFrom('responses')
    .select('external_id')
    .where('workspace_id', '=', workspaceId)
    .where('external_id', 'in', externalIds)
    .execute();
  return new Set(rows.flatMap((r) => (r.external_id ? [r.external_id] : [])));
}

export interface DelightedResponseInsert {
  externalId: string;
  score: number;
  comment: string | null;
  email: string;
  locale: string;
  segment: JsonObject;
  tags: string[];
  details: JsonObject;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * A batch of imported responses in one statement: typed arrays unnested into an insert that
 * finds each person's contact by email and keeps tags, the source's details and its
 * last-updated time, so nothing is written twice. A response whose external id is present
 * already is skipped (a re-run adds nothing). They count at once: it is history, announced to
 * no webhook, opening no case; the rollup trigger counts them once per statement.
 * Returns how many were inserted.
 */
export async function insertDelightedResponses(
  db: Kysely<Database>,
  workspaceId: string,
  surveyId: string,
  rows: DelightedResponseInsert[],
  now: Date,
): Promise<number> {
  if (rows.length === 0) {
    return 0;
  }
  const { rows: out } = await sql<{ n: number }>`
    with ins as (
      insert into responses (workspace_id, survey_id, contact_id, score, comment, locale,
          segment, source, status, confirmed_at, confirmed_via, external_id, tags,
          import_details, created_at, updated_at)
      select ${workspaceId}, ${surveyId}, c.id, t.score, t.comment, t.locale, t.segment,
          'import', 'counted', ${now}, 'import', t.external_id,
          array(select jsonb_array_elements_text(t.tags)), t.details, t.created_at,
          greatest(t.updated_at, t.created_at)
      from unnest(
        ${rows.map((r) => r.externalId)}::text[],
        ${rows.map((r) => r.score)}::int[],
        ${rows.map((r) => r.comment)}::text[],
        ${rows.map((r) => r.locale)}::text[],
        ${rows.map((r) => JSON.stringify(r.segment))}::jsonb[],
        ${rows.map((r) => r.email)}::text[],
        ${rows.map((r) => JSON.stringify(r.tags))}::jsonb[],
        ${rows.map((r) => JSON.stringify(r.details))}::jsonb[],
        ${rows.map((r) => r.createdAt)}::timestamptz[],
        ${rows.map((r) => r.updatedAt)}::timestamptz[]
      ) with ordinality as t(external_id, score, comment, locale, segment, email, tags, details,
          created_at, updated_at, n)
      left join contacts c on c.workspace_id = ${workspaceId} and lower(c.email) = lower(t.email)
      order by t.n
      on conflict (workspace_id, external_id) where external_id is not null do nothing
      returning 1
    )
    select count(*)::int as n from ins`.execute(db);
  return out[0]?.n ?? 0;
}

/**
 * The dry run remembers which keys it has met in a temporary table on its own connection,
 * so memory stays flat however large the file is. Nothing outlives the connection's use.
 */
export async function createSeenKeys(conn: Kysely<Database>): Promise<void> {
  await sql`create temporary table if not exists glas_import_seen (kind text not null, key text not null, primary key (kind, key))`.execute(
    conn,
  );
  await sql`truncate pg_temp.glas_import_seen`.execute(conn);
}

export async function dropSeenKeys(conn: Kysely<Database>): Promise<void> {
  await sql`drop table if exists pg_temp.glas_import_seen`.execute(conn);
}

/** Records the keys; returns those met for the first time. */
export async function markSeen(
  conn: Kysely<Database>,
  kind: string,
  keys: string[],
): Promise<Set<string>> {
  if (keys.length === 0) {
    return new Set();
  }
  const { rows } = await sql<{ key: string }>`
    insert into pg_temp.glas_import_seen (kind, key)
    select ${kind}, k from unnest(${keys}::text[]) as k
    on conflict do nothing
    returning key`.execute(conn);
  return new Set(rows.map((r) => r.key));
}
