import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import path from 'node:path';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Express } from 'express';
import { ensureDatabase } from '../../db/create-database';
import { migrateToLatest } from '../../db/migrate';
import type { Clock } from '../../src/clock';
import type { TextFetcher } from '../../src/platform/https-fetch';
import { loadConfig } from '../../src/config';
import { createContext } from '../../src/context';
import type { AppContext } from '../../src/context';
import { createApp } from '../../src/http/app';
import { drainOutbox, startOutboxRelay } from '../../src/jobs/outbox-relay.job';
import { QUEUE_NAMES } from '../../src/jobs/queues';
import { startWorkers } from '../../src/jobs/workers';
import type { Workers } from '../../src/jobs/workers';
import { createLogger } from '../../src/logger';
import { startSmtpServer } from './smtp';
import type { TestSmtp } from './smtp';

export const TEST_DATABASE_URL =
  process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/glas_test';

/**
 * A clock that starts at `iso` and then runs in real time: tests that put data "a few minutes
 * ago" and read "this month" do not depend on when they run (a run early on the 1st would
 * otherwise see last month's data in another period).
 */
export function anchoredClock(iso = '2026-06-15T12:00:00Z'): Clock {
  const offset = Date.parse(iso) - Date.now();
  return { now: () => new Date(Date.now() + offset) };
}

export interface TestWorld {
  id: string;
  schema: string;
  ctx: AppContext;
  app: Express;
  smtp: TestSmtp;
  startWorkers(opts?: { relay?: boolean }): Workers;
  /** Moves pending outbox rows to BullMQ now (the poller does the same every OUTBOX_POLL_MS). */
  relay(): Promise<number>;
  close(): Promise<void>;
}

/** An id unique to this test file and worker, safe as a schema name and a Redis prefix. */
function worldId(): string {
  const file = path.basename(expect.getState().testPath ?? 'test').replace(/\.test\.ts$/, '');
  const slug = file
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .slice(0, 30);
  return `${slug}_${process.env.JEST_WORKER_ID ?? '0'}_${randomBytes(3).toString('hex')}`;
}

/**
 * Kysely's migrator introspects the tables of every schema; a schema that another test file
 * drops meanwhile fails it with "schema … does not exist". Migrations hold this advisory lock
 * shared and drops take it alone, so files still migrate in parallel but never mid-drop.
 */
const SCHEMA_LOCK = 7_301_117;

async function migrateWhileNoSchemaIsDropped(ctx: AppContext, schema: string): Promise<void> {
  const client = await ctx.pool.connect();
  try {
    await client.query('select pg_advisory_lock_shared($1)', [SCHEMA_LOCK]);
    await migrateToLatest(ctx.db as Kysely<unknown>, schema);
  } finally {
    await client.query('select pg_advisory_unlock_shared($1)', [SCHEMA_LOCK]);
    client.release();
  }
}

/**
 * One isolated world per test file: its own Postgres schema (migrated), BullMQ prefix,
 * real SMTP server and app. close() drops the schema and obliterates the queues.
 */
export async function createTestWorld(
  options: { env?: Record<string, string>; clock?: Clock; fetchSns?: TextFetcher } = {},
): Promise<TestWorld> {
  const id = worldId();
  const schema = `t_${id}`;
  await ensureDatabase(TEST_DATABASE_URL);
  const smtp = await startSmtpServer();
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: TEST_DATABASE_URL,
    DATABASE_POOL_MAX: '5',
    REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    REDIS_PREFIX: `glas-test-${id}`,
    SMTP_URL: smtp.url,
    PUBLIC_URL: 'http://glas.test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    SEND_BACKOFF_MS: '20',
    OUTBOX_POLL_MS: '50',
    // Tests click links far faster than people; the limit tests set their own values.
    RATE_LIMIT_SURVEY_PER_MINUTE: '100000',
    RATE_LIMIT_SURVEY_TOKEN_PER_MINUTE: '100000',
    // Tests revoke keys by SQL and expect 401 at once; api-key-cache.test.ts tests the cache.
    API_KEY_CACHE_MS: '0',
    ...options.env,
  });
  const logger = createLogger('silent');
  const ctx = createContext(config, {
    dbSchema: schema,
    logger,
    clock: options.clock,
    fetchSns: options.fetchSns,
  });
  await migrateWhileNoSchemaIsDropped(ctx, schema);
  // Rate limits count in Redis; before the connection is up they let requests through.
  if (ctx.redis.status !== 'ready') {
    await once(ctx.redis, 'ready');
  }
  const app = createApp(ctx);
  const workers: Workers[] = [];
  return {
    id,
    schema,
    ctx,
    app,
    smtp,
    startWorkers(opts = {}) {
      // With `relay`, as the worker role runs: BullMQ workers and the outbox relay feeding them.
      // Without it the test moves the outbox itself (`relay()`), to stage what a crash leaves.
      const w = startWorkers(ctx);
      const relay = opts.relay ? startOutboxRelay(ctx) : { stop: async () => {} };
      const both: Workers = {
        async close() {
          await relay.stop();
          await w.close();
        },
      };
      workers.push(both);
      return both;
    },
    relay: () => drainOutbox(ctx),
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      for (const name of QUEUE_NAMES) {
        await ctx.queues.get(name).obliterate({ force: true });
      }
      await ctx.db.transaction().execute(async (trx) => {
        await sql`select pg_advisory_xact_lock(${SCHEMA_LOCK})`.execute(trx);
        await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(trx);
      });
      await ctx.close();
      await smtp.close();
    },
  };
}
