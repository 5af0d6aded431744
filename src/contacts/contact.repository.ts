import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { afterCursor } from '../platform/cursor';
import { MERGE_CONTACT } from './contact-merge';
import type { Contact, Database, JsonObject } from '../../db/schema';

export interface ContactInput {
  email: string;
  name?: string | undefined;
  locale?: string | undefined;
  timeZone?: string | undefined;
  externalId?: string | undefined;
  properties?: JsonObject | undefined;
}

/** Inserts or updates the contact by (workspace, lower(email)); given fields win, properties merge. */
export async function upsertContact(
  db: Kysely<Database>,
  workspaceId: string,
  input: ContactInput,
  now: Date,
): Promise<Contact> {
  return db
    .insertInto('contacts')
    .values({
      workspace_id: workspaceId,
      email: input.email,
      name: input.name ?? null,
      locale: input.locale ?? null,
      time_zone: input.timeZone ?? null,
      external_id: input.externalId ?? null,
      properties: JSON.stringify(input.properties ?? {}),
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) =>
      oc.expression(sql`workspace_id, lower(email)`).doUpdateSet({
        name: sql`coalesce(excluded.name, contacts.name)`,
        locale: sql`coalesce(excluded.locale, contacts.locale)`,
        time_zone: sql`coalesce(excluded.time_zone, contacts.time_zone)`,
        external_id: sql`coalesce(excluded.external_id, contacts.external_id)`,
        properties: sql`contacts.properties || excluded.properties`,
        updated_at: sql`excluded.updated_at`,
      }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findContactById(db: Kysely<Database>, workspaceId: string, id: string) {
  return db
    .selectFrom('contacts')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function findContactByExternalId(
  db: Kysely<Database>,
  workspaceId: string,
  externalId: string,
) {
  return db
    .selectFrom('contacts')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('external_id', '=', externalId)
    .executeTakeFirst();
}

export interface ContactFilter {
  email?: string | undefined;
  externalId?: string | undefined;
  suppressed?: 'unsubscribed' | 'bounced' | undefined;
  after?: { createdAt: Date; id: string } | undefined;
  limit: number;
}

export async function listContacts(db: Kysely<Database>, workspaceId: string, f: ContactFilter) {
  let query = db.selectFrom('contacts').selectAll().where('workspace_id', '=', workspaceId);
  if (f.email) {
    query = query.where(sql<string>`lower(email)`, '=', f.email.toLowerCase());
  }
  if (f.externalId) {
    query = query.where('external_id', '=', f.externalId);
  }
  if (f.suppressed === 'unsubscribed') {
    query = query.where('unsubscribed_at', 'is not', null);
  } else if (f.suppressed === 'bounced') {
    query = query.where('bounced_at', 'is not', null);
  }
  if (f.after) {
    query = query.where(afterCursor(f.after));
  }
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(f.limit).execute();
}

export async function updateContactById(
  db: Kysely<Database>,
  workspaceId: string,
  id: string,
  values: Partial<{
    email: string;
    name: string | null;
    locale: string | null;
    time_zone: string | null;
    external_id: string | null;
    properties: string;
    unsubscribed_at: Date | null;
    unsubscribe_source: string | null;
    bounced_at: Date | null;
    bounce_reason: string | null;
    updated_at: Date;
  }>,
) {
  return db
    .updateTable('contacts')
    .set(values)
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

export async function deleteContactById(db: Kysely<Database>, workspaceId: string, id: string) {
  return db
    .deleteFrom('contacts')
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

/** Marks the contact unsubscribed unless it already is; returns whether this call did it. */
export async function markContactUnsubscribed(
  db: Kysely<Database>,
  workspaceId: string,
  id: string,
  now: Date,
  source: string,
): Promise<boolean> {
  const result = await db
    .updateTable('contacts')
    .set({ unsubscribed_at: now, unsubscribe_source: source, updated_at: now })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .where('unsubscribed_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function markContactBounced(
  db: Kysely<Database>,
  workspaceId: string,
  id: string,
  now: Date,
  reason: string,
): Promise<boolean> {
  const result = await db
    .updateTable('contacts')
    .set({ bounced_at: now, bounce_reason: reason, updated_at: now })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .where('bounced_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function insertSuppressedEmail(
  db: Kysely<Database>,
  workspaceId: string,
  emailHash: string,
  reason: 'unsubscribed' | 'bounced',
  now: Date,
): Promise<void> {
  await db
    .insertInto('suppressed_emails')
    .values({ workspace_id: workspaceId, email_hash: emailHash, reason, created_at: now })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export async function findSuppressedEmail(
  db: Kysely<Database>,
  workspaceId: string,
  emailHash: string,
) {
  return db
    .selectFrom('suppressed_emails')
    .select(['reason', 'created_at'])
    .where('workspace_id', '=', workspaceId)
    .where('email_hash', '=', emailHash)
    .execute();
}

export async function deleteSuppressedEmail(
  db: Kysely<Database>,
  workspaceId: string,
  emailHash: string,
  reason: 'unsubscribed' | 'bounced',
): Promise<void> {
  await db
    .deleteFrom('suppressed_emails')
    .where('workspace_id', '=', workspaceId)
    .where('email_hash', '=', emailHash)
    .where('reason', '=', reason)
    .execute();
}

export interface ContactBatchRow {
  email: string;
  name: string | null;
  locale: string | null;
  properties: JsonObject;
}

export interface UpsertedContact {
  id: string;
  email: string;
  inserted: boolean;
  created_at: Date;
  /** updated_at before this statement; null for an inserted row. */
  previous_updated_at: Date | null;
}

/**
 * Many contacts in one statement, by (workspace, lower(email)), with upsertContact's rules.
 * A row whose name, locale and properties would not change is left alone and not returned.
 * Emails must be distinct case-insensitively (one statement cannot update a row twice).
 */
export async function upsertContactsBatch(
  db: Kysely<Database>,
  workspaceId: string,
  rows: ContactBatchRow[],
  now: Date,
): Promise<UpsertedContact[]> {
  if (rows.length === 0) {
    return [];
  }
  const { rows: out } = await sql<UpsertedContact>`
    with input as (
      select * from unnest(
        ${rows.map((r) => r.email)}::text[],
        ${rows.map((r) => r.name)}::text[],
        ${rows.map((r) => r.locale)}::text[],
        ${rows.map((r) => JSON.stringify(r.properties))}::jsonb[]
      ) as t(email, name, locale, properties)
    ), prev as (
      select c.id, c.updated_at from contacts c
      where c.workspace_id = ${workspaceId}
        and lower(c.email) in (select lower(email) from input)
    ), up as (
      insert into contacts as c (workspace_id, email, name, locale, properties, created_at, updated_at)
      select ${workspaceId}, email, name, locale, properties, ${now}, ${now} from input
      ${MERGE_CONTACT}
      returning c.id, c.email, (c.xmax = 0) as inserted, c.created_at
    )
    select up.id, up.email, up.inserted, up.created_at, prev.updated_at as previous_updated_at
    from up left join prev on prev.id = up.id`.execute(db);
  return out;
}

export async function findSuppressedEmails(
  db: Kysely<Database>,
  workspaceId: string,
  emailHashes: string[],
) {
  if (emailHashes.length === 0) {
    return [];
  }
  return db
    .selectFrom('suppressed_emails')
    .select(['email_hash', 'reason', 'created_at'])
    .where('workspace_id', '=', workspaceId)
    .where('email_hash', 'in', emailHashes)
    .execute();
}

/** Suppresses the listed addresses at their own times unless already suppressed; returns how many. */
export async function markContactsSuppressed(
  db: Kysely<Database>,
  workspaceId: string,
  kind: 'unsubscribed' | 'bounced',
  entries: { email: string; at: Date }[],
  source: string,
  now: Date,
): Promise<number> {
  if (entries.length === 0) {
    return 0;
  }
  const emails = entries.map((e) => e.email);
  const ats = entries.map((e) => e.at);
  const result =
    kind === 'unsubscribed'
      ? await sql`
          update contacts c set unsubscribed_at = t.at, unsubscribe_source = ${source}, updated_at = ${now}
          from unnest(${emails}::text[], ${ats}::timestamptz[]) as t(email, at)
          where c.workspace_id = ${workspaceId} and lower(c.email) = lower(t.email)
            and c.unsubscribed_at is null`.execute(db)
      : await sql`
          update contacts c set bounced_at = t.at, bounce_reason = ${source}, updated_at = ${now}
          from unnest(${emails}::text[], ${ats}::timestamptz[]) as t(email, at)
          where c.workspace_id = ${workspaceId} and lower(c.email) = lower(t.email)
            and c.bounced_at is null`.execute(db);
  return Number(result.numAffectedRows ?? 0n);
}
