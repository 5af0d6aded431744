/**
 * `npm run bench:delivery [-- --mails N] [--rounds N] [--scale] [--note TEXT]`: delivery beside its bare
 * stack, in the same run and the same process, rounds alternating:
 *   - bare: a BullMQ Queue (addBulk of N jobs) and a Worker (concurrency 5) whose jobs each
 *     send one mail through nodemailer with `pool: true` (maxConnections 5);
 *   - Glas: N invitations, due at once, created through the real ingest (ingestEvents, with
 *     their outbox rows), relayed by the outbox relay and sent by the worker role's code
 *     (send-invitation job, deliverInvitation) with the same concurrency and pool size.
 * Both go to one smtp-server sink on loopback that accepts everything; BENCH_SMTP_LATENCY_MS
 * (default 0) delays its answer to each message's data. A round is timed from the first
 * enqueue to the last mail accepted at the sink. With `--scale` the rounds are Glas with one
 * worker process against Glas with two (bench/delivery-worker.ts), same Postgres and Redis.
 * The table is printed and written to BENCHMARKS.md with the machine and date.
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Queue, Worker } from 'bullmq';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { ensureDatabase } from '../db/create-database';
import { migrateToLatest } from '../db/migrate';
import { loadConfig } from '../src/config';
import { createContext } from '../src/context';
import type { AppContext } from '../src/context';
import { createEventBodySchema } from '../src/dispatch/event.schemas';
import { ingestEvents } from '../src/dispatch/ingest.service';
import { startOutboxRelay } from '../src/jobs/outbox-relay.job';
import { QUEUE_NAMES, queueConnection } from '../src/jobs/queues';
import { startWorkers } from '../src/jobs/workers';
import { createLogger } from '../src/logger';
import { createSurvey, launchSurvey } from '../src/surveys/survey.service';
import { createWorkspace } from '../src/workspaces/workspace.service';
import { arg, log, machine, median, prependToBenchmarks } from './support';

const BASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/glas_bench';
const SCHEMA = 'bench_delivery';
const PREFIX = 'glas-bench-delivery';
const CONCURRENCY = 5;
const SCALE = process.argv.includes('--scale');
const MAILS = Number(arg('mails') ?? process.env.BENCH_MAILS ?? (SCALE ? 500 : 1000));
const ROUNDS = Number(arg('rounds') ?? 3);
const LATENCY_MS = Number(process.env.BENCH_SMTP_LATENCY_MS ?? 0);
/** Said in the section's title beside the date: what the figures were taken after. */
const NOTE = arg('note');
/** Time for freshly started BullMQ workers to connect before the clock starts. */
const SETTLE_MS = 1000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Sink {
  url: string;
  /** Resolves with the hrtime of the `count`-th message accepted from now on. */
  expect(count: number): Promise<bigint>;
  close(): Promise<void>;
}

/** An SMTP server that accepts every message, answering its data after LATENCY_MS. */
async function startSink(): Promise<Sink> {
  let accepted = 0;
  let wanted: { count: number; resolve(at: bigint): void } | undefined;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    disableReverseLookup: true,
    logger: false,
    onData(stream, _session, callback) {
      stream.on('end', () => {
        const accept = () => {
          accepted++;
          if (wanted && accepted >= wanted.count) {
            wanted.resolve(process.hrtime.bigint());
            wanted = undefined;
          }
          callback();
        };
        if (LATENCY_MS > 0) {
          setTimeout(accept, LATENCY_MS);
        } else {
          accept();
        }
      });
      stream.resume();
    },
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    expect(count) {
      accepted = 0;
      return new Promise((resolve) => {
        wanted = { count, resolve };
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Mails per second from `enqueue` to the n-th mail accepted; fails after `limitMs`. */
async function timed(sink: Sink, n: number, enqueue: () => Promise<unknown>): Promise<number> {
  const done = sink.expect(n);
  const limitMs = 60_000 + n * 500;
  const start = process.hrtime.bigint();
  await enqueue();
  let timer: NodeJS.Timeout | undefined;
  const end = await Promise.race([
    done,
    new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`fewer than ${n} mails in ${limitMs} ms`)),
        limitMs,
      );
    }),
  ]).finally(() => clearTimeout(timer));
  return n / (Number(end - start) / 1e9);
}

/** A mail the size of an invitation: text and HTML parts, the two List-Unsubscribe headers. */
function bareMail(i: number) {
  const link = `http://127.0.0.1/s/${randomBytes(32).toString('base64url')}`;
  return {
    from: 'Bench <bench@glas.localhost>',
    to: `bare-${i}@example.com`,
    subject: 'How likely are you to recommend us to a friend?',
    text: `Hello,\n\nHow likely are you to recommend us? Answer here: ${link}\n`,
    html: `<!doctype html><html><body>${'<p>How likely are you to recommend us to a friend or colleague?</p>'.repeat(12)}<p><a href="${link}">Answer</a></p></body></html>`,
    headers: {
      'List-Unsubscribe': `<${link}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
  };
}

async function bareRound(ctx: AppContext, transport: Transporter, sink: Sink, n: number) {
  const connection = queueConnection(ctx.config);
  const queue = new Queue('bare-send', {
    prefix: PREFIX,
    connection,
    defaultJobOptions: { removeOnComplete: { count: 10_000 } },
  });
  const worker = new Worker(
    'bare-send',
    async (job) => {
      await transport.sendMail(bareMail((job.data as { i: number }).i));
    },
    { prefix: PREFIX, connection: { ...connection, maxRetriesPerRequest: null }, concurrency: 5 },
  );
  await Promise.all([queue.waitUntilReady(), worker.waitUntilReady()]);
  const jobs = Array.from({ length: n }, (_, i) => ({ name: 'send', data: { i } }));
  try {
    return await timed(sink, n, () => queue.addBulk(jobs));
  } finally {
    await worker.close();
    await queue.obliterate({ force: true });
    await queue.close();
  }
}

interface Consumers {
  close(): Promise<void>;
}

/** The worker role's BullMQ workers, in this process (`processes` 0) or in that many others. */
async function startConsumers(ctx: AppContext, env: NodeJS.ProcessEnv, processes: number) {
  if (processes === 0) {
    return startWorkers(ctx);
  }
  const children: ChildProcess[] = await Promise.all(
    Array.from(
      { length: processes },
      () =>
        new Promise<ChildProcess>((resolve, reject) => {
          const child = fork(path.join(__dirname, 'delivery-worker.ts'), [], {
            execArgv: ['--require', require.resolve('tsx/cjs')],
            env: { ...env, BENCH_SCHEMA: SCHEMA },
          });
          child.once('message', () => resolve(child));
          child.once('error', reject);
        }),
    ),
  );
  return {
    async close() {
      await Promise.all(
        children.map(
          (child) =>
            new Promise<void>((resolve) => {
              child.once('exit', () => resolve());
              child.send('stop');
            }),
        ),
      );
    },
  } satisfies Consumers;
}

/** N invitations due now, through the real ingest: events, invitations and outbox rows. */
async function ingest(ctx: AppContext, workspaceId: string, n: number, round: string) {
  for (let from = 0; from < n; from += 1000) {
    const events = Array.from({ length: Math.min(1000, n - from) }, (_, i) =>
      createEventBodySchema.parse({
        type: 'ticket.solved',
        contact: { email: `glas-${round}-${from + i}@example.com`, name: 'Ana' },
        properties: { plan: 'pro' },
      }),
    );
    const { results } = await ingestEvents(
      ctx.db,
      ctx.clock,
      workspaceId,
      events,
      undefined,
      ctx.hashEmail,
    );
    const refused = results.filter((r) => r.status >= 300).length;
    if (refused > 0) {
      throw new Error(`${refused} events refused at ingest`);
    }
  }
}

/** One Glas round: ingest (not timed), start the consumers, then relay and time the sends. */
async function glasRound(
  ctx: AppContext,
  env: NodeJS.ProcessEnv,
  sink: Sink,
  workspaceId: string,
  n: number,
  round: string,
  processes: number,
): Promise<{ rate: number; notSent: number }> {
  await ingest(ctx, workspaceId, n, round);
  const consumers = await startConsumers(ctx, env, processes);
  await sleep(SETTLE_MS);
  let relay: { stop(): Promise<void> } | undefined;
  try {
    const rate = await timed(sink, n, () => {
      relay = startOutboxRelay(ctx);
      return Promise.resolve();
    });
    return { rate, notSent: await notSent(ctx, round) };
  } finally {
    await relay?.stop();
    await consumers.close();
  }
}

/** The round's invitations not `sent`, once their outcomes are written (the last lags its mail). */
async function notSent(ctx: AppContext, round: string): Promise<number> {
  const count = async (statuses: string[]) => {
    const { rows } = await sql<{ n: string }>`
      select count(*) as n from invitations
      where status not in (${sql.join(statuses)}) and contact_id in (
        select id from contacts where email like ${`glas-${round}-%`})`.execute(ctx.db);
    return Number(rows[0]?.n ?? 0);
  };
  for (
    let waited = 0;
    waited < 10_000 &&
    (await count(['sent', 'failed', 'bounced', 'send_unknown', 'expired', 'skipped'])) > 0;
    waited += 100
  ) {
    await sleep(100);
  }
  return count(['sent']);
}

async function main() {
  await ensureDatabase(BASE_URL);
  const sink = await startSink();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    GLAS_SECRET: randomBytes(32).toString('hex'),
    SMTP_URL: sink.url,
    DATABASE_URL: BASE_URL,
    REDIS_PREFIX: PREFIX,
    LOG_LEVEL: 'silent',
    PUBLIC_URL: 'http://127.0.0.1',
    SEND_CONCURRENCY: String(CONCURRENCY),
  };
  const config = loadConfig(env);
  const ctx = createContext(config, { dbSchema: SCHEMA, logger: createLogger('silent') });
  const db = ctx.db;
  await sql`drop schema if exists ${sql.id(SCHEMA)} cascade`.execute(db);
  await migrateToLatest(db as Kysely<unknown>, SCHEMA);
  for (const name of QUEUE_NAMES) {
    await ctx.queues.get(name).obliterate({ force: true });
  }
  const { workspace } = await createWorkspace(db, { name: 'Bench' });
  const survey = await createSurvey(db, workspace.id, {
    kind: 'nps',
    name: 'Support NPS',
    trigger: {
      eventType: 'ticket.solved',
      delaySeconds: 0,
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

  const transport = nodemailer.createTransport({
    url: sink.url,
    pool: true,
    maxConnections: CONCURRENCY,
  });
  const results = { a: [] as number[], b: [] as number[], notSent: 0 };
  for (let r = 0; r < ROUNDS; r++) {
    if (SCALE) {
      log(`scale round ${r + 1}: one worker process…`);
      const one = await glasRound(ctx, env, sink, workspace.id, MAILS, `r${r}p1`, 1);
      log(`scale round ${r + 1}: two worker processes…`);
      const two = await glasRound(ctx, env, sink, workspace.id, MAILS, `r${r}p2`, 2);
      results.a.push(one.rate);
      results.b.push(two.rate);
      results.notSent += one.notSent + two.notSent;
    } else {
      log(`delivery round ${r + 1}: bare…`);
      results.b.push(await bareRound(ctx, transport, sink, MAILS));
      log(`delivery round ${r + 1}: Glas…`);
      const glas = await glasRound(ctx, env, sink, workspace.id, MAILS, `r${r}`, 0);
      results.a.push(glas.rate);
      results.notSent += glas.notSent;
    }
  }
  transport.close();
  const on = await machine(db as Kysely<unknown>);
  for (const name of QUEUE_NAMES) {
    await ctx.queues.get(name).obliterate({ force: true });
  }
  await ctx.close();
  await sink.close();
  report(results, on);
}

function report(results: { a: number[]; b: number[]; notSent: number }, on: string) {
  const fmt = (v: number) => (v >= 100 ? v.toFixed(0) : v.toFixed(1));
  const range = (xs: number[]) => `${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))}`;
  const a = median(results.a);
  const b = median(results.b);
  const date = [new Date().toISOString().slice(0, 10), NOTE].filter(Boolean).join(', ');
  const latency = `the sink answers each message's data after ${LATENCY_MS} ms`;
  const text = SCALE
    ? `## Delivery scale-out: one worker process against two (${date})

\`BENCH_SMTP_LATENCY_MS=${LATENCY_MS} npm run bench:delivery -- --scale\` on ${on}. ${MAILS} invitations per round made by the real ingest, relayed by the bench process's outbox relay and sent by one or two worker processes (\`bench/delivery-worker.ts\`: the worker role's BullMQ workers, \`SEND_CONCURRENCY\` ${CONCURRENCY}, a pool of ${CONCURRENCY} SMTP connections each) against the same Postgres and Redis; ${latency}. Timed from the first enqueue to the last mail accepted; rounds alternating, median of ${ROUNDS} (min–max).

| worker processes | Glas | the second process adds | goal (issue 11) | not sent |
| --- | --- | --- | --- | --- |
| 1 | ${fmt(a)} mails/s (${range(results.a)}) | — | | ${results.notSent} |
| 2 | ${fmt(b)} mails/s (${range(results.b)}) | ${((b - a) / a).toFixed(2)}× of the first's rate | ≥ 0.6× | |
`
    : `## Delivery beside bare BullMQ + pooled nodemailer (${date})

\`BENCH_SMTP_LATENCY_MS=${LATENCY_MS} npm run bench:delivery\` on ${on}. ${MAILS} mails per round to one smtp-server sink on loopback that accepts everything; ${latency}. Bare: \`Queue.addBulk\` of ${MAILS} jobs and a BullMQ Worker (concurrency ${CONCURRENCY}) sending each through nodemailer \`pool: true\` (maxConnections ${CONCURRENCY}). Glas: ${MAILS} invitations due at once made by the real ingest (\`ingestEvents\`, not timed), relayed from the outbox and sent by the worker role's code in the same process, \`SEND_CONCURRENCY\` ${CONCURRENCY}. Timed from the first enqueue to the last mail accepted at the sink; rounds alternating, median of ${ROUNDS} (min–max). Ratio is Glas ÷ bare.

| path | Glas | bare stack | ratio | goal (issue 11) | not sent |
| --- | --- | --- | --- | --- | --- |
| delivery, worker → SMTP sink | ${fmt(a)} mails/s (${range(results.a)}) | ${fmt(b)} mails/s (${range(results.b)}) | ${(a / b).toFixed(2)}× | ≥ 0.7× of pooled | ${results.notSent} |
`;
  process.stdout.write(`\n${text}`);
  prependToBenchmarks(text);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
