import type { Kysely } from 'kysely';

// NOTE: migrations are frozen in time: they never import from src/ or db/schema.

/** A time-zone change asks for a rollup rebuild that the maintenance job does, not the request. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('workspaces')
    .addColumn('rollups_rebuild_requested_at', 'timestamptz')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('workspaces').dropColumn('rollups_rebuild_requested_at').execute();
}
