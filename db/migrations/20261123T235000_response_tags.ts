import { sql } from 'kysely';
import type { Kysely } from 'kysely';

// NOTE: migrations are frozen in time: they never import from src/ or db/schema.

/**
 * Delighted migration (issue 8): tags on responses, and what the source tool recorded that
 * Glas has no column for (permalink, person id, channel, notes, the full property snapshot).
 * Tags are multi-valued, so they live beside the segment, not in it (segments feed rollups).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('responses')
    .addColumn('tags', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn('import_details', 'jsonb')
    .execute();
  await sql`create index responses_tags_idx on responses using gin (tags)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists responses_tags_idx`.execute(db);
  await db.schema.alterTable('responses').dropColumn('import_details').dropColumn('tags').execute();
}
