import { Kysely, PostgresDialect } from 'kysely';
import { Pool } from 'pg';
import type { Database } from './schema';

export interface DbOptions {
  /** Postgres schema to use as search_path (tests give each file its own). */
  schema?: string;
  max?: number;
}

export interface DbHandle {
  db: Kysely<Database>;
  pool: Pool;
}

export function createDb(databaseUrl: string, options: DbOptions = {}): DbHandle {
  const pool = new Pool({
    connectionString: databaseUrl,
    max: options.max ?? 10,
    // NOTE: search_path is set per connection so every query (Kysely and raw sql) lands in the schema.
    options: options.schema ? `-c search_path=${quoteIdent(options.schema)}` : undefined,
  });
  // An idle client losing its connection (Postgres restart) must not crash the process.
  pool.on('error', () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, pool };
}

export function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/i.test(name)) {
    throw new Error(`invalid identifier: ${name}`);
  }
  return `"${name}"`;
}
