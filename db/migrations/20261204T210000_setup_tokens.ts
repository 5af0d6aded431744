import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// NOTE: migrations are frozen in time: they never import from src/ or db/schema.

/**
 * One-time tokens for the first-run setup (the dashboard's "create the first workspace"),
 * printed in the log at start-up while no workspace exists; only their SHA-256 is stored.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('setup_tokens')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('setup_tokens').execute();
}
