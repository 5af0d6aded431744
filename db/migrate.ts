import { Migrator, sql } from 'kysely';
import type { Kysely, Migration, MigrationProvider, MigrationResultSet } from 'kysely';
import { migrations } from './migrations';

class ListProvider implements MigrationProvider {
  getMigrations(): Promise<Record<string, Migration>> {
    return Promise.resolve(migrations);
  }
}

function migrator(db: Kysely<unknown>, schema?: string): Migrator {
  return new Migrator({
    db,
    provider: new ListProvider(),
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
}

/** Applies every pending migration; throws with the failing migration's name. */
export async function migrateToLatest(db: Kysely<unknown>, schema?: string): Promise<string[]> {
  if (schema) {
    await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
  }
  const result: MigrationResultSet = await migrator(db, schema).migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error');
    const cause =
      result.error instanceof Error ? result.error.message : JSON.stringify(result.error);
    throw new Error(`migration ${failed?.migrationName ?? '?'} failed: ${cause}`);
  }
  return (result.results ?? []).map((r) => r.migrationName);
}

/** Names of migrations that exist in code but are not applied yet. */
export async function pendingMigrations(db: Kysely<unknown>, schema?: string): Promise<string[]> {
  const all = await migrator(db, schema).getMigrations();
  return all.filter((m) => !m.executedAt).map((m) => m.name);
}

if (require.main === module) {
  void (async () => {
    const { createDb } = await import('./client');
    const { ensureDatabase } = await import('./create-database');
    const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/glas';
    await ensureDatabase(url);
    const { db } = createDb(url);
    try {
      const applied = await migrateToLatest(db as Kysely<unknown>);
      process.stdout.write(`applied ${applied.length} migration(s)\n`);
    } finally {
      await db.destroy();
    }
  })().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
