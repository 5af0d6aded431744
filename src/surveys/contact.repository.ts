import { sql } from 'kysely';
import type { Kysely } from 'kysely';
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
