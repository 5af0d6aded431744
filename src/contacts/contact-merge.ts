import { sql } from 'kysely';

/**
 * The conflict clause of a many-contact insert into `contacts as c`, by (workspace,
 * lower(email)): given name and locale win, properties merge, and an unchanged contact is not
 * written (so `updated_at` says when something changed). Shared with the Delighted import.
 */
export const MERGE_CONTACT = sql`on conflict (workspace_id, lower(email)) do update set
        name = coalesce(excluded.name, c.name),
        locale = coalesce(excluded.locale, c.locale),
        properties = c.properties || excluded.properties,
        updated_at = excluded.updated_at
      where c.name is distinct from coalesce(excluded.name, c.name)
         or c.locale is distinct from coalesce(excluded.locale, c.locale)
         or not (c.properties @> excluded.properties)`;
