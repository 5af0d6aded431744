/**
 * `npm run bench:metrics` (or `npm run bench -- --only metrics`): the scoring benchmark.
 * Loads BENCH_ROWS responses (default 10,000,000, two years, 20 segment values) into a private
 * schema of the `glas_bench` database by SQL,
 * then measures, in one run:
 *   - the baseline: a raw SQL scan computing monthly NPS per segment;
 *   - the metrics endpoint's p50/p95 for the same question, over HTTP;
 *   - the cost of applying one day's new responses (~15,000) to the rollups, and twice that;
 *   - peak memory of this process.
 * Results are printed and written to BENCHMARKS.md with the date and the machine.
 */
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { ensureDatabase } from '../db/create-database';
import { migrateToLatest } from '../db/migrate';
import { loadConfig } from '../src/config';
import { createContext } from '../src/context';
import { createApp } from '../src/http/app';
import { createLogger } from '../src/logger';
import { mergeRollups, rebuildSurveyRollups } from '../src/analytics/rollup.service';
import { createApiKey } from '../src/workspaces/api-key.service';
import { prependToBenchmarks } from './support';

const ROWS = Number(process.env.BENCH_ROWS ?? 10_000_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 200);
const BASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/glas_bench';
const SCHEMA = 'bench';
const DAY_BATCH = 15_000;
const REUSE = process.env.BENCH_REUSE === '1';

let peakRss = 0;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 20);

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = process.hrtime.bigint();
  const result = await fn();
  return [result, Number(process.hrtime.bigint() - start) / 1e6];
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const ms = (v: number) => `${v < 10 ? v.toFixed(2) : v.toFixed(0)} ms`;
const log = (msg: string) => process.stderr.write(`${msg}\n`);

/** Drops the bench schema, migrates it and loads ROWS responses by SQL; then builds the rollups. */
async function loadData(db: Kysely<Database>) {
  await sql`drop schema if exists ${sql.id(SCHEMA)} cascade`.execute(db);
  await migrateToLatest(db as Kysely<unknown>, SCHEMA);

  const ws = await db
    .insertInto('workspaces')
    .values({ name: 'Bench' })
    .returningAll()
    .executeTakeFirstOrThrow();
  const survey = await db
    .insertInto('surveys')
    .values({
      workspace_id: ws.id,
      kind: 'nps',
      name: 'Bench NPS',
      status: 'active',
      trigger_event_type: 'ticket.closed',
      texts: '{}',
      segment_properties: '["region"]',
    })
    .returningAll()
    .executeTakeFirstOrThrow();

  // Two years of answers, 2024-07-01 to 2026-06-30 (random() < 1, so none falls outside), 20
  // regions, a score mix near a real one.
  log(`generating ${ROWS.toLocaleString('en')} responses…`);
  const [, loadMs] = await timed(async () => {
    const chunk = 1_000_000;
    for (let offset = 0; offset < ROWS; offset += chunk) {
      const n = Math.min(chunk, ROWS - offset);
      await db.connection().execute(async (conn) => {
        // Bulk load without per-row triggers and FK checks; rollups are rebuilt afterwards.
        await sql`set session_replication_role = replica`.execute(conn);
        await sql`
          insert into responses (workspace_id, survey_id, score, segment, source, status, created_at, updated_at)
          select ${ws.id}::uuid, ${survey.id}::uuid,
                 least(10, greatest(0, round(7.5 + 2.6 * (random() + random() + random() - 1.5))))::int,
                 jsonb_build_object('region', 'region-' || lpad((g % 20)::text, 2, '0'), 'locale', (array['en','hr','sr-Latn','sr-Cyrl','vi'])[1 + g % 5]),
                 'import', 'counted', t, t
          from (select g, timestamptz '2024-07-01 00:00:00+00' + random() * interval '730 days' as t
                from generate_series(${offset + 1}::bigint, ${offset + n}::bigint) g) s`.execute(
          conn,
        );
        await sql`set session_replication_role = origin`.execute(conn);
      });
      log(`  ${(offset + n).toLocaleString('en')}`);
    }
    await sql`analyze responses`.execute(db);
  });
  const [rebuilt, rebuildMs] = await timed(() => rebuildSurveyRollups(db, ws.id, survey.id));
  await sql`analyze response_rollups`.execute(db);
  return { ws, survey, loadMs, rebuilt, rebuildMs };
}

/**
 * BENCH_REUSE=1: keeps an earlier run's data (loading 10M rows takes minutes) and only removes
 * the days that run applied, through the trigger, so the rollups stay exact.
 */
async function reuseData(db: Kysely<Database>) {
  await migrateToLatest(db as Kysely<unknown>, SCHEMA);
  const survey = await db
    .selectFrom('surveys')
    .selectAll()
    .where('name', '=', 'Bench NPS')
    .executeTakeFirst()
    .catch(() => undefined);
  if (!survey) {
    return null;
  }
  const { rows } = await sql<{
    n: string;
  }>`select count(*) as n from responses where created_at < '2026-07-01'`.execute(db);
  if (Number(rows[0]?.n) !== ROWS) {
    return null;
  }
  log('reusing the loaded responses…');
  await sql`delete from responses where survey_id = ${survey.id} and created_at >= '2026-07-01'`.execute(
    db,
  );
  await mergeRollups(db);
  const ws = await db
    .selectFrom('workspaces')
    .selectAll()
    .where('id', '=', survey.workspace_id)
    .executeTakeFirstOrThrow();
  const rebuilt = { rollupRows: 0 };
  return { ws, survey, loadMs: Number.NaN, rebuilt, rebuildMs: Number.NaN };
}

async function main() {
  await ensureDatabase(BASE_URL);
  const config = loadConfig({
    ...process.env,
    DATABASE_URL: BASE_URL,
    LOG_LEVEL: 'silent',
    REDIS_PREFIX: 'glas-bench',
    NODE_ENV: 'test',
  });
  const ctx = createContext(config, { dbSchema: SCHEMA, logger: createLogger('silent') });
  const db = ctx.db;
  const reused = REUSE ? await reuseData(db) : null;
  const { ws, survey, loadMs, rebuilt, rebuildMs } = reused ?? (await loadData(db));
  const key = await createApiKey(db, ws.id, { name: 'bench', role: 'admin' });

  // Baseline: the same question straight from the raw rows, with the planner tuned for it:
  // extended statistics on the grouping expressions, so it estimates the few hundred groups
  // (and hashes them) instead of guessing millions (and sorting). The tuned scan, not the default.
  await sql`create statistics if not exists responses_month_region (ndistinct)
    on (date_trunc('month', created_at at time zone 'UTC')), (segment->>'region')
    from responses`.execute(db);
  await sql`analyze responses`.execute(db);
  const scan = () =>
    sql`select date_trunc('month', created_at at time zone 'UTC') as month, segment->>'region' as region,
               count(*) filter (where score >= 9) as promoters, count(*) filter (where score <= 6) as detractors, count(*) as n
        from counted_responses
        where workspace_id = ${ws.id} and survey_id = ${survey.id}
          and created_at >= '2024-07-01' and created_at < '2026-07-01'
        group by 1, 2`.execute(db);
  log('raw scan…');
  const scans: number[] = [];
  for (let i = 0; i < 3; i++) scans.push((await timed(scan))[1]);
  const scanMs = scans.sort((a, b) => a - b)[1]!;

  const app = createApp(ctx);
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}/api/surveys/${survey.id}/metrics?since=2024-07-01&until=2026-06-30&interval=month&segment=region&compare=previous`;
  const headers = { Authorization: `Bearer ${key.key}` };
  const first = await fetch(url, { headers });
  const body = (await first.json()) as {
    periods: { segments: unknown[] }[];
    overall: { n: number };
  };
  if (body.overall.n !== ROWS)
    throw new Error(`metrics counted ${body.overall.n}, expected ${ROWS}`);
  log(`metrics endpoint ×${REQUESTS}…`);
  // Other work on the machine slows the requests far more than the parallel scan: record it.
  const loadBefore = os.loadavg()[0]!;
  const lat: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const [, t] = await timed(async () => {
      const res = await fetch(url, { headers });
      await res.arrayBuffer();
    });
    lat.push(t);
  }
  lat.sort((a, b) => a - b);
  const loadAfter = os.loadavg()[0]!;
  server.close();

  // One day of new answers through the real trigger path, then the merge; then two days.
  const applyDay = async (n: number, day: string) => {
    const [, insertMs] = await timed(() =>
      sql`insert into responses (workspace_id, survey_id, score, segment, source, status, created_at, updated_at)
          select ${ws.id}::uuid, ${survey.id}::uuid, (g % 11)::int,
                 jsonb_build_object('region', 'region-' || lpad((g % 20)::text, 2, '0'), 'locale', 'en'),
                 'import', 'counted', ${day}::timestamptz + (g % 86400) * interval '1 second', now()
          from generate_series(1, ${n}) g`.execute(db),
    );
    const [merged, mergeMs] = await timed(() => mergeRollups(db));
    return { n, insertMs, mergeMs, merged };
  };
  log('applying new days…');
  const day1 = await applyDay(DAY_BATCH, '2026-07-01T00:00:00Z');
  const day2 = await applyDay(2 * DAY_BATCH, '2026-07-02T00:00:00Z');
  clearInterval(sampler);

  const { rows: pg } = await sql<{ v: string }>`select version() as v`.execute(db);
  const { rows: size } = await sql<{
    s: string;
  }>`select pg_size_pretty(pg_total_relation_size('responses')) as s`.execute(db);
  const { rows: rollupRows } = await sql<{
    n: string;
  }>`select count(*) as n from response_rollups`.execute(db);
  await ctx.close();

  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const date = new Date().toISOString().slice(0, 10);
  const report = `## Scoring: ${ROWS.toLocaleString('en')} responses (${date})

Machine: ${cpu}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}, ${pg[0]?.v.split(' on ')[0] ?? 'PostgreSQL'}.
Data: one NPS survey, two years (2024-07-01…2026-06-30), 20 regions and 5 locales, responses table ${size[0]?.s}; ${Number(rollupRows[0]?.n).toLocaleString('en')} rollup rows.

| measure | result |
| --- | --- |
| load ${ROWS.toLocaleString('en')} rows by SQL (setup, triggers off) | ${reused ? 'reused from an earlier run' : `${(loadMs / 1000).toFixed(1)} s`} |
| rebuild rollups from scratch${reused ? '' : ` (${rebuilt.rollupRows.toLocaleString('en')} rows)`} | ${reused ? 'reused' : `${(rebuildMs / 1000).toFixed(1)} s`} |
| **baseline**: raw SQL scan, monthly NPS per region, with extended statistics (median of 3) | ${ms(scanMs)} |
| **metrics endpoint** (24 months × 20 regions, with change tests and trends), p50 over ${REQUESTS} requests | ${ms(percentile(lat, 50))} |
| metrics endpoint p95 | ${ms(percentile(lat, 95))} |
| load average (1 min) before / after the requests, on ${os.cpus().length} cores | ${loadBefore.toFixed(1)} / ${loadAfter.toFixed(1)} |
| speed-up of p95 over the raw scan | ${(scanMs / percentile(lat, 95)).toFixed(0)}× |
| apply one day of new responses (${day1.n.toLocaleString('en')}): insert with rollup trigger | ${ms(day1.insertMs)} |
| … then merge ${day1.merged.toLocaleString('en')} delta rows into the rollups | ${ms(day1.mergeMs)} |
| apply ${day2.n.toLocaleString('en')} new responses: insert with trigger / merge | ${ms(day2.insertMs)} / ${ms(day2.mergeMs)} |
| peak memory of the Node process (RSS) | ${(peakRss / 2 ** 20).toFixed(0)} MiB |

Goal (issue 11): metrics p95 ≤ 30 ms at 10M rows and at least 100× faster than the raw scan tuned with extended statistics; rollup
update cost proportional to the new rows (compare the 15k and 30k lines), not to the table size.
`;
  process.stdout.write(`\n${report}`);
  prependToBenchmarks(report);
}

main().catch((err: unknown) => {
  clearInterval(sampler);
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
