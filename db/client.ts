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
  // A connection lost under Postgres (restart, network cut) must not crash the process. The
  // pool's 'error' covers idle clients only; a checked-out client between two statements of a
  // transaction emits 'error' on itself, which Node turns into an uncaught exception unless the
  // client has a listener. The statement in flight, or the next one, still fails on its own.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, pool };
}

export function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/i.test(name)) {
    throw new Error(`invalid identifier: ${name}`);
  }
  return `"${name}"`;
}
