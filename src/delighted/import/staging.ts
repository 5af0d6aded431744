import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import type { CompiledQuery, Kysely, RawBuilder } from 'kysely';
import type { Pool, PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Database } from '../../../db/schema';

/**
 * The import's own connection: one pg client checked out of the pool for the whole import,
 * so BEGIN, COPY into the temporary staging table, the set-based statements and COMMIT of a
 * chunk run on one session. The pool sets search_path per connection (db/client.ts), so the client
 * lands in the same schema as Kysely (tests run each file in its own). Kysely only compiles.
 */
export class ImportConnection {
  private constructor(
    private readonly client: PoolClient,
    private readonly db: Kysely<Database>,
  ) {}

  static async open(pool: Pool, db: Kysely<Database>): Promise<ImportConnection> {
    return new ImportConnection(await pool.connect(), db);
  }

  /** Hands the client back to the pool. */
  close(): void {
    this.client.release();
  }

  /** Discards the client after a failure (a COPY cut off mid-way leaves no usable session). */
  abort(err: Error): void {
    this.client.release(err);
  }

  /**
   * Opens a chunk's transaction with its staging table (dropped at its end: no session state,
   * so a transaction-mode PgBouncer is fine). NOTE: JIT off, as the planner's estimates for
   * the staged rows (a row per jsonb_each key…) pass the JIT thresholds: compiling cost seconds
   * per chunk, more than running. A larger work_mem keeps a chunk's sorts in memory.
   */
  async begin(): Promise<void> {
    await this.client.query(
      `begin; set local jit = off; set local work_mem = '64MB'; ${STAGING_DDL}`,
    );
  }

  async commit(): Promise<void> {
    await this.client.query('commit');
  }

  async rollback(): Promise<void> {
    await this.client.query('rollback');
  }

  /**
   * NOTE: fresh staging rows have no statistics; the planner would take a chunk of 50,000 rows
   * for 200 and look up each one by index. ANALYZE (milliseconds) buys hash joins.
   */
  async analyze(): Promise<void> {
    // Only the columns that are grouped or joined on: the row count is what the plans need.
    await this.client.query('analyze pg_temp.glas_import_rows (email, external_id)');
  }

  /** Runs a Kysely `sql` template on this connection. */
  async run<R>(query: RawBuilder<R>): Promise<{ rows: R[]; rowCount: number }> {
    const compiled: CompiledQuery<R> = query.compile(this.db);
    const result = await this.client.query(compiled.sql, compiled.parameters as unknown[]);
    return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
  }

  /** A COPY into the staging table; write rows with `StagingCopy.write`, then `end()`. */
  copy(): StagingCopy {
    return new StagingCopy(
      this.client.query(copyFrom(`copy pg_temp.glas_import_rows (${COLUMNS}) from stdin`)),
    );
  }
}

/**
 * What a valid row leaves in staging. `properties`, `segment`, `tags`, `details` and
 * `answers` are JSON; `at` is a suppression's date. Each chunk of the import is its own
 * transaction, and the table lives as long as it.
 */
const STAGING_DDL = `
  create temporary table glas_import_rows (
    line integer not null,
    email text not null,
    name text,
    locale text,
    properties jsonb not null,
    external_id text,
    score integer,
    comment text,
    response_locale text,
    segment jsonb,
    tags jsonb,
    details jsonb,
    created_at timestamptz,
    updated_at timestamptz,
    at timestamptz,
    answers jsonb
  ) on commit drop`;

const COLUMNS =
  'line, email, name, locale, properties, external_id, score, comment, response_locale, ' +
  'segment, tags, details, created_at, updated_at, at, answers';

export interface StagedRow {
  line: number;
  email: string;
  name: string | null;
  locale: string | null;
  properties: string;
  externalId?: string;
  score?: number;
  comment?: string | null;
  responseLocale?: string;
  segment?: string;
  tags?: string;
  details?: string;
  createdAt?: Date;
  updatedAt?: Date;
  at?: Date | null;
  answers?: string | null;
}

const SPECIAL = /[\\\n\r\t]/;
const SPECIAL_ALL = /[\\\n\r\t]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * One field in COPY's text format: `\N` for null, backslash, newline, carriage return and tab
 * escaped. NUL cannot travel at all; rows with one are refused before they get here.
 */
export function copyField(value: string | null | undefined): string {
  if (value === null || value === undefined) {
    return '\\N';
  }
  return SPECIAL.test(value) ? value.replace(SPECIAL_ALL, (c) => ESCAPES[c] ?? c) : value;
}

const at = (d: Date | null | undefined) => (d ? d.toISOString() : '\\N');

export function copyLine(r: StagedRow): string {
  return (
    [
      String(r.line),
      copyField(r.email),
      copyField(r.name),
      copyField(r.locale),
      copyField(r.properties),
      copyField(r.externalId),
      r.score === undefined ? '\\N' : String(r.score),
      copyField(r.comment),
      copyField(r.responseLocale),
      copyField(r.segment),
      copyField(r.tags),
      copyField(r.details),
      at(r.createdAt),
      at(r.updatedAt),
      at(r.at),
      copyField(r.answers),
    ].join('\t') + '\n'
  );
}

/** Lines are gathered into ~64 KiB writes; a full socket pauses the writer (backpressure). */
const FLUSH_AT = 64 * 1024;

export class StagingCopy {
  private pending: string[] = [];
  private size = 0;
  private failed: Error | undefined;
  rows = 0;

  constructor(private readonly stream: NodeJS.WritableStream & { destroyed?: boolean }) {
    stream.on('error', (err: Error) => {
      this.failed = err;
    });
  }

  async write(row: StagedRow): Promise<void> {
    const line = copyLine(row);
    this.pending.push(line);
    this.size += line.length;
    this.rows += 1;
    if (this.size >= FLUSH_AT) {
      await this.flush();
    }
  }

  private async flush(): Promise<void> {
    if (this.failed) {
      throw this.failed;
    }
    if (this.pending.length === 0) {
      return;
    }
    const chunk = this.pending.join('');
    this.pending = [];
    this.size = 0;
    if (!this.stream.write(chunk)) {
      await once(this.stream, 'drain');
    }
  }

  /** Ends the COPY and waits until Postgres has taken every row. */
  async end(): Promise<void> {
    await this.flush();
    this.stream.end();
    await finished(this.stream);
    if (this.failed) {
      throw this.failed;
    }
  }
}
