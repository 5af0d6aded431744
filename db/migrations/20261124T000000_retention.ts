import { sql } from 'kysely';
import type { Kysely } from 'kysely';

// NOTE: migrations are frozen in time: they never import from src/ or db/schema.

/** Per-workspace retention: personal data older than N months is anonymized (null = keep). */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('workspaces')
    .addColumn('retention_months', 'integer', (c) =>
      c.check(sql`retention_months is null or retention_months between 1 and 120`),
    )
    .execute();
  await db.schema.alterTable('responses').addColumn('anonymized_at', 'timestamptz').execute();
  await sql`create index responses_workspace_id_created_at_comment_idx on responses (workspace_id, created_at) where comment is not null`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists responses_workspace_id_created_at_comment_idx`.execute(db);
  await db.schema.alterTable('responses').dropColumn('anonymized_at').execute();
  await db.schema.alterTable('workspaces').dropColumn('retention_months').execute();
}
