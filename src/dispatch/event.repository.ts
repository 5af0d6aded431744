import type { Insertable, Kysely } from 'kysely';
import type { Database, Event } from '../../db/schema';

export async function insertEvent(
  db: Kysely<Database>,
  values: Insertable<Database['events']>,
): Promise<Event> {
  return db.insertInto('events').values(values).returningAll().executeTakeFirstOrThrow();
}
