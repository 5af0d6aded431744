/**
 * `npm run bench:writes [-- --only events,batch,form,events2,import] [--rounds N]`: the write paths beside
 * their bare stack, in the same run and the same process, so the ratio survives this
 * machine's drift from run to run:
 *   - events: `POST /api/events`, 50 connections, a new contact each, one survey invited;
 *     bare: Express + express.json + one pg INSERT of the body;
 *   - batch: `POST /api/events/batch` with 1,000 events; bare: one 1,000-row INSERT;
 *   - form: the survey form post `POST /s/:token`, unique tokens; bare: Express +
 *     urlencoded + one pg INSERT;
 *   - events2: `POST /api/events` served by one API process against two (bench/api-scale.ts),
 *     the same 50 connections in all; its own section (the second process's gain, CPU used);
 *   - import: the Delighted CSV import of BENCH_IMPORT_ROWS responses (100,000), as the CLI
 *     runs it, into a new workspace each round; bare: `COPY` of the same file into a table.
 * Rounds alternate bare and Glas; each figure is the median round. The table is printed
 * and written to BENCHMARKS.md with the machine and date.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, existsSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { Pool } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Database } from '../db/schema';
import { ensureDatabase } from '../db/create-database';
import { migrateToLatest } from '../db/migrate';
import { loadConfig } from '../src/config';
import { createContext } from '../src/context';
import { createApp } from '../src/http/app';
import { createLogger } from '../src/logger';
import { hashToken, newToken } from '../src/platform/tokens';
import { importDelightedCsv } from '../src/delighted/import/delighted-import.service';
import { createSurvey, launchSurvey } from '../src/surveys/survey.service';
import { createWorkspace } from '../src/workspaces/workspace.service';
import { apiScaleSection, runApiScale } from './api-scale';
import type { ScaleRound } from './api-scale';
import { arg, loadNote, log, machine, median, prependToBenchmarks } from './support';

const BASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/glas_bench';
const SCHEMA = 'bench_writes';
const CONNECTIONS = 50;
const EVENTS_PER_ROUND = Number(process.env.BENCH_EVENTS ?? 2000);
const BATCHES_PER_ROUND = Number(process.env.BENCH_BATCHES ?? 3);
const FORMS_PER_ROUND = Number(process.env.BENCH_FORMS ?? 1000);
const IMPORT_ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 100_000);
const ONLY = new Set((arg('only') ?? 'events,batch,form,events2,import').split(','));
const ROUNDS = Number(arg('rounds') ?? 3);

interface Shot {
  method: 'POST';
  path: string;
  headers: Record<string, string>;
  body: string;
}

interface LoadResult {
  perSecond: number;
  p50: number;
  p99: number;
  failures: number;
}

const percentile = (sorted: number[], p: number) =>
  sorted.length
    ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
    : 0;

/** Sends `total` requests over `connections` keep-alive sockets; counts non-2xx as failures. */
async function load(
  port: number,
  total: number,
  connections: number,
  shot: (i: number) => Shot,
  expected: number,
): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const latencies: number[] = [];
  let next = 0;
  let failures = 0;
  const one = (s: Shot) =>
    new Promise<number>((resolve, reject) => {
      const start = process.hrtime.bigint();
      const req = http.request(
        { host: '127.0.0.1', port, method: s.method, path: s.path, headers: s.headers, agent },
        (res) => {
          res.resume();
          res.on('end', () => {
            latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
            resolve(res.statusCode ?? 0);
          });
        },
      );
      req.on('error', reject);
      req.end(s.body);
    });
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      for (let i = next++; i < total; i = next++) {
        if ((await one(shot(i))) !== expected) {
          failures++;
        }
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    perSecond: total / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    failures,
  };
}

/** The bare stack: what the same request costs with nothing of Glas in the way. */
function bareApp(pool: Pool) {
  const app = express();
  app.post('/events', express.json({ limit: '2mb' }), async (req, res) => {
    const { rows } = await pool.query<{ id: string }>(
      `insert into ${SCHEMA}.bare_events (payload) values ($1) returning id`,
      [req.body],
    );
    res.status(202).json({ id: rows[0]!.id });
  });
  app.post('/batch', express.json({ limit: '2mb' }), async (req, res) => {
    const { rows } = await pool.query<{ id: string }>(
      `insert into ${SCHEMA}.bare_events (payload)
       select value from jsonb_array_elements($1::jsonb) returning id`,
      [JSON.stringify((req.body as { events: unknown[] }).events)],
    );
    res.status(202).json({ results: rows });
  });
  app.post('/s/:token', express.urlencoded({ extended: false }), async (req, res) => {
    await pool.query(
      `insert into ${SCHEMA}.bare_answers (token, score, comment) values ($1, $2, $3)`,
      [req.params.token, Number((req.body as { score?: string }).score), null],
    );
    res.status(200).type('html').send('<p>Thank you</p>');
  });
  return app;
}

async function listen(app: express.Express): Promise<{ port: number; close(): Promise<void> }> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

interface Row {
  path: string;
  glas: LoadResult[];
  bare: LoadResult[];
  unit: string;
  goal: string;
}

const START_LOAD = os.loadavg()[0]!;

async function main() {
  await ensureDatabase(BASE_URL);
  const env = {
    ...process.env,
    NODE_ENV: 'production',
    GLAS_SECRET: randomBytes(32).toString('hex'),
    // Nothing is mailed here: ingest and answers never talk to SMTP.
    SMTP_URL: 'smtp://127.0.0.1:2525',
    DATABASE_URL: BASE_URL,
    REDIS_PREFIX: 'glas-bench-writes',
    LOG_LEVEL: 'silent',
    PUBLIC_URL: 'http://127.0.0.1',
    // The limiters still run (they are part of every request) but never refuse one here. Raised
    // this far they count mostly in memory (rate-limit.ts); the per-token one keeps its default
    // (30, unique tokens never reach it), so each form post still asks Redis as in production.
    RATE_LIMIT_API_PER_MINUTE: '1000000000',
    RATE_LIMIT_SURVEY_PER_MINUTE: '1000000000',
  };
  const config = loadConfig(env);
  const ctx = createContext(config, { dbSchema: SCHEMA, logger: createLogger('silent') });
  const db = ctx.db;
  await sql`drop schema if exists ${sql.id(SCHEMA)} cascade`.execute(db);
  await migrateToLatest(db as Kysely<unknown>, SCHEMA);
  await sql`create table ${sql.id(SCHEMA)}.bare_events (id uuid primary key default gen_random_uuid(), payload jsonb not null, created_at timestamptz not null default now())`.execute(
    db,
  );
  await sql`create table ${sql.id(SCHEMA)}.bare_answers (id uuid primary key default gen_random_uuid(), token text not null, score int not null, comment text, created_at timestamptz not null default now())`.execute(
    db,
  );
  const { workspace, apiKey } = await createWorkspace(db, { name: 'Bench' });
  const survey = await createSurvey(db, workspace.id, {
    kind: 'nps',
    name: 'Support NPS',
    trigger: {
      eventType: 'ticket.solved',
      delaySeconds: 3600,
      samplingRate: 1,
      quietPeriodDays: 30,
      sendWindow: null,
    },
    texts: {},
    segmentProperties: ['plan'],
    expiresAfterDays: 30,
    reminderAfterDays: null,
  });
  await launchSurvey(db, ctx.clock, workspace.id, survey.id);

  const glas = await listen(createApp(ctx));
  const barePool = new Pool({ connectionString: BASE_URL, max: config.DATABASE_POOL_MAX });
  const bare = await listen(bareApp(barePool));
  const auth = { Authorization: `Bearer ${apiKey}`, 'Content-Type': 'application/json' };
  let contact = 0;
  const event = () => ({
    type: 'ticket.solved',
    contact: { email: `person-${contact++}@example.com`, name: 'Ana' },
    properties: { plan: 'pro', ticketId: `T-${contact}` },
  });
  const rows: Row[] = [];

  if (ONLY.has('events')) {
    const row: Row = {
      path: '`POST /api/events`, 50 connections',
      glas: [],
      bare: [],
      unit: 'req/s',
      goal: '≥ 0.5×',
    };
    for (let r = 0; r < ROUNDS; r++) {
      log(`events round ${r + 1}…`);
      row.bare.push(
        await load(
          bare.port,
          EVENTS_PER_ROUND,
          CONNECTIONS,
          () => ({
            method: 'POST',
            path: '/events',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify(event()),
          }),
          202,
        ),
      );
      row.glas.push(
        await load(
          glas.port,
          EVENTS_PER_ROUND,
          CONNECTIONS,
          () => ({
            method: 'POST',
            path: '/api/events',
            headers: auth,
            body: JSON.stringify(event()),
          }),
          202,
        ),
      );
    }
    rows.push(row);
  }

  if (ONLY.has('batch')) {
    const row: Row = {
      path: '`POST /api/events/batch`, 1,000 events',
      glas: [],
      bare: [],
      unit: 'events/s',
      goal: '≥ 0.5×',
    };
    const batch = () => JSON.stringify({ events: Array.from({ length: 1000 }, event) });
    for (let r = 0; r < ROUNDS; r++) {
      log(`batch round ${r + 1}…`);
      const b = await load(
        bare.port,
        BATCHES_PER_ROUND,
        1,
        () => ({
          method: 'POST',
          path: '/batch',
          headers: { 'Content-Type': 'application/json' },
          body: batch(),
        }),
        202,
      );
      row.bare.push({ ...b, perSecond: b.perSecond * 1000 });
      const g = await load(
        glas.port,
        BATCHES_PER_ROUND,
        1,
        () => ({
          method: 'POST',
          path: '/api/events/batch',
          headers: auth,
          body: batch(),
        }),
        200,
      );
      row.glas.push({ ...g, perSecond: g.perSecond * 1000 });
    }
    rows.push(row);
  }

  if (ONLY.has('form')) {
    const row: Row = {
      path: 'survey form post `POST /s/:token`, unique tokens',
      glas: [],
      bare: [],
      unit: 'req/s',
      goal: '≥ 0.7×, p99 ≤ 2×',
    };
    for (let r = 0; r < ROUNDS; r++) {
      log(`form round ${r + 1}…`);
      const tokens = await sentInvitations(db, workspace.id, survey.id, FORMS_PER_ROUND, r);
      row.bare.push(
        await load(
          bare.port,
          FORMS_PER_ROUND,
          CONNECTIONS,
          (i) => ({
            method: 'POST',
            path: `/s/${tokens[i]}`,
            headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
            body: 'score=9',
          }),
          200,
        ),
      );
      row.glas.push(
        await load(
          glas.port,
          FORMS_PER_ROUND,
          CONNECTIONS,
          (i) => ({
            method: 'POST',
            path: `/s/${tokens[i]}`,
            headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
            body: 'score=9',
          }),
          200,
        ),
      );
    }
    rows.push(row);
  }

  let scale: ScaleRound[][] | undefined;
  if (ONLY.has('events2')) {
    scale = await runApiScale({
      env: { ...env, BENCH_SCHEMA: SCHEMA },
      load,
      total: EVENTS_PER_ROUND,
      connections: CONNECTIONS,
      rounds: ROUNDS,
      shot: () => ({
        method: 'POST',
        path: '/api/events',
        headers: auth,
        body: JSON.stringify(event()),
      }),
    });
  }

  if (ONLY.has('import')) {
    const row: Row = {
      path: `Delighted CSV import, ${IMPORT_ROWS.toLocaleString('en')} responses`,
      glas: [],
      bare: [],
      unit: 'rows/s',
      goal: '≥ 0.5×',
    };
    const file = writeDelightedCsv(IMPORT_ROWS);
    await barePool.query(
      `create table ${SCHEMA}.bare_import (response_id text, score text, comment text,
        response_timestamp text, updated_at text, email text, name text, plan text, region text)`,
    );
    for (let r = 0; r < ROUNDS; r++) {
      log(`import round ${r + 1}…`);
      await barePool.query(`truncate ${SCHEMA}.bare_import`);
      const client = await barePool.connect();
      let started = process.hrtime.bigint();
      try {
        await pipeline(
          createReadStream(file),
          client.query(
            copyFrom(`copy ${SCHEMA}.bare_import from stdin with (format csv, header true)`),
          ),
        );
      } finally {
        client.release();
      }
      row.bare.push(timed(started, IMPORT_ROWS));
      const { workspace: target } = await createWorkspace(db, { name: `Import ${r}` });
      started = process.hrtime.bigint();
      const summary = await importDelightedCsv(ctx, createReadStream(file), {
        workspaceId: target.id,
        type: 'responses',
        dryRun: false,
      });
      const g = timed(started, IMPORT_ROWS);
      row.glas.push({ ...g, failures: summary.errorCount + (IMPORT_ROWS - summary.newResponses) });
    }
    rows.push(row);
  }

  await glas.close();
  await bare.close();
  await barePool.end();
  const on = await machine(db as Kysely<unknown>);
  await ctx.close();
  if (rows.length > 0) {
    report(rows, on);
  }
  if (scale) {
    const text = apiScaleSection(scale, `${on}`, ROUNDS, EVENTS_PER_ROUND, loadNote(START_LOAD));
    process.stdout.write(`\n${text}`);
    prependToBenchmarks(text);
  }
}

/** One pass over a file: rows/s, no latency figures (p99 is the whole pass). */
function timed(started: bigint, n: number): LoadResult {
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  return { perSecond: (n / ms) * 1000, p50: ms, p99: ms, failures: 0 };
}

/** A Delighted responses export of `n` rows: 20% repeat people, comments with quotes and commas. */
function writeDelightedCsv(n: number): string {
  const file = path.join(os.tmpdir(), `glas-bench-import-${n}.csv`);
  if (existsSync(file)) {
    return file;
  }
  const lines = ['Response ID,Score,Comment,Response timestamp,Updated at,Email,Name,Plan,Region'];
  const comments = ['', 'Great, fast support', 'Spor odgovor', '"Too slow," he said', 'Rất tốt'];
  const start = Date.UTC(2025, 0, 1);
  for (let i = 0; i < n; i++) {
    const at = new Date(start + i * 60_000).toISOString();
    const comment = comments[i % comments.length]!.replace(/"/g, '""');
    const person = i % 5 === 0 ? i - 1 : i;
    lines.push(
      `${1_000_000 + i},${i % 11},"${comment}",${at},${at},person-${person}@example.com,Person ${person},${i % 3 ? 'Pro' : 'Basic'},${i % 2 ? 'EU' : 'US'}`,
    );
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** Sent invitations with live tokens, for the form-post rounds (setup by SQL, as a send leaves them). */
async function sentInvitations(
  db: Kysely<Database>,
  workspaceId: string,
  surveyId: string,
  n: number,
  round: number,
): Promise<string[]> {
  const tokens = Array.from({ length: n }, () => newToken());
  const contacts = await db
    .insertInto('contacts')
    .values(
      tokens.map((_, i) => ({
        workspace_id: workspaceId,
        email: `form-${round}-${i}@example.com`,
      })),
    )
    .returning('id')
    .execute();
  await db
    .insertInto('invitations')
    .values(
      tokens.map((t, i) => ({
        workspace_id: workspaceId,
        survey_id: surveyId,
        contact_id: contacts[i]!.id,
        token_hash: hashToken(t),
        status: 'sent' as const,
        locale: 'en',
        segment: JSON.stringify({ locale: 'en', plan: 'pro' }),
        send_at: new Date(),
        sent_at: new Date(),
        expires_at: new Date(Date.now() + 30 * 86_400_000),
      })),
    )
    .execute();
  return tokens;
}

function report(rows: Row[], on: string) {
  const fmt = (v: number) => (v >= 100 ? v.toFixed(0) : v.toFixed(1));
  const lines = rows.map((r) => {
    const g = median(r.glas.map((x) => x.perSecond));
    const b = median(r.bare.map((x) => x.perSecond));
    const gp99 = median(r.glas.map((x) => x.p99));
    const bp99 = median(r.bare.map((x) => x.p99));
    const failures =
      r.glas.reduce((n, x) => n + x.failures, 0) + r.bare.reduce((n, x) => n + x.failures, 0);
    return `| ${r.path} | ${fmt(g)} ${r.unit}, p99 ${fmt(gp99)} ms | ${fmt(b)} ${r.unit}, p99 ${fmt(bp99)} ms | ${(g / b).toFixed(2)}×, p99 ${(gp99 / bp99).toFixed(1)}× | ${r.goal} | ${failures} |`;
  });
  const date = new Date().toISOString().slice(0, 10);
  const text = `## Write paths beside their bare stack (${date})

\`npm run bench:writes\` on ${on}. Glas and the bare stack run in the same process and the same run, rounds alternating; each figure is the median of ${ROUNDS} rounds. Ratios are Glas ÷ bare. ${loadNote(START_LOAD)}

| path | Glas | bare stack | ratio | goal (issue 11) | non-2xx |
| --- | --- | --- | --- | --- | --- |
${lines.join('\n')}
`;
  process.stdout.write(`\n${text}`);
  prependToBenchmarks(text);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
