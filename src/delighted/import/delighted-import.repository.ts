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

/**
 * Adds tags, the source's details and its last-updated time to responses this import just
 * inserted. None of these columns feeds the rollups, so the rollup trigger does not fire.
 */
export async function setImportedResponseDetails(
  db: Kysely<Database>,
  workspaceId: string,
  insertedIds: string[],
  rows: { externalId: string; tags: string[]; details: JsonObject; updatedAt: Date }[],
): Promise<void> {
  if (insertedIds.length === 0 || rows.length === 0) {
    return;
  }
  await sql`
    update responses r
    set tags = array(select jsonb_array_elements_text(t.tags)),
        import_details = t.details,
        updated_at = greatest(t.updated_at, r.created_at)
    from unnest(
      ${rows.map((r) => r.externalId)}::text[],
      ${rows.map((r) => JSON.stringify(r.tags))}::jsonb[],
      ${rows.map((r) => JSON.stringify(r.details))}::jsonb[],
      ${rows.map((r) => r.updatedAt)}::timestamptz[]
    ) as t(external_id, tags, details, updated_at)
    where r.workspace_id = ${workspaceId}
      and r.external_id = t.external_id
      and r.id = any(${insertedIds}::uuid[])`.execute(db);
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
