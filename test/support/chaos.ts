import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Kysely, PostgresDialect } from 'kysely';
import { Client, Pool } from 'pg';
import type { Database } from '../../db/schema';
import { buildSurvey, buildWorkspace } from './factories';
import { freePort, startPrivateRedis } from './redis-server';
import { startSmtpServer } from './smtp';
import { startTcpProxy } from './tcp-proxy';
import { TEST_DATABASE_URL } from './test-context';
import { sleep } from './wait';

// A chaos run of real processes: `api`, `worker` and `scheduler` started from src/main.ts on a
// database and a Redis of their own, Postgres behind a TCP proxy the run can cut, a real SMTP
// sink. A steady stream of events and answers flows while workers are killed with SIGKILL,
// Redis restarts with its data lost and Postgres is cut; then it counts, per recipient, what
// arrived. `npm run chaos` runs it long; test/integration/ops/chaos.test.ts runs it short.

export interface ChaosOptions {
  events: number;
  /** Events per second the client sends. */
  rate: number;
  workerKills: number;
  redisRestarts: number;
  postgresCutSeconds: number;
  recoverTimeoutMs: number;
  /** After this long a client stops retrying: the run ends with its figures instead of hanging. */
  giveUpAfterMs?: number;
  log?: (line: string) => void;
}

export interface ChaosFigures {
  events: number;
  accepted: number;
  mailed: number;
  /** Accepted events whose invitation never reached its recipient nor an explicit status. */
  lost: number;
  /** Recipients who received the invitation more than once. */
  doubled: number;
  /** Sends in the ambiguous window (handed to SMTP by a worker that died): `send_unknown`. */
  ambiguous: number;
  answersGiven: number;
  /** Answers that were accepted (200) but are not stored as counted responses. */
  answersLost: number;
  http500: number;
  http503: number;
  /** Job schedules that /readyz finds missing in Redis at the end (after Redis lost its data). */
  schedulesMissing: number;
  /** Requests whose client stopped retrying at giveUpAfterMs (0 in a run that recovered). */
  gaveUp: number;
  /** Role processes that exited without being killed by the run (0: nothing crashes on a fault). */
  crashes: number;
  /** From the last fault until every invitation was final and every mail answered. */
  recoverSeconds: number;
  faults: string[];
  /** What the run did and when, for a failing test to show. */
  timeline: string[];
}

const root = path.join(__dirname, '../..');
const logDir = process.env.CHAOS_LOG_DIR;
if (logDir) {
  fs.mkdirSync(logDir, { recursive: true });
}

interface Roles {
  api: ChildProcess;
  worker: ChildProcess;
  scheduler: ChildProcess;
}

function startRole(role: string, env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  // Node itself with tsx as a loader, not the tsx CLI: the CLI runs the program in a child
  // process of its own, and a SIGKILL sent to the CLI would leave the real worker running.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    env: { ...process.env, ...env, GLAS_ROLES: role },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${role} did not start:\n${out}`)), 60_000);
    const onData = (c: Buffer) => {
      out = (out + c.toString()).slice(-4000);
      if (out.includes('Glas is running')) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        if (logDir) {
          // CHAOS_LOG_DIR keeps each process's log for a run that needs explaining.
          const file = fs.createWriteStream(path.join(logDir, `${role}-${child.pid}.log`));
          file.write(out);
          child.stdout?.pipe(file);
          child.stderr?.pipe(file);
        } else {
          child.stdout?.resume();
          child.stderr?.resume();
        }
        resolve(child);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (c: Buffer) => (out = (out + c.toString()).slice(-4000)));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${role} exited (${code}):\n${out}`));
    });
  });
}

function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

export async function runChaos(opts: ChaosOptions): Promise<ChaosFigures> {
  const timeline: string[] = [];
  const runStart = Date.now();
  const log = (line: string) => {
    const entry = `${((Date.now() - runStart) / 1000).toFixed(1)} s ${line}`;
    timeline.push(entry);
    opts.log?.(entry);
  };
  const giveUpAt = runStart + (opts.giveUpAfterMs ?? Number.POSITIVE_INFINITY);
  const name = `glas_chaos_${randomBytes(4).toString('hex')}`;
  const direct = new URL(TEST_DATABASE_URL);
  direct.pathname = `/${name}`;
  const pg = new URL(TEST_DATABASE_URL);
  const proxy = await startTcpProxy({ host: pg.hostname, port: Number(pg.port || 5432) });
  const viaProxy = new URL(direct.toString());
  viaProxy.port = String(proxy.port);
  const redis = await startPrivateRedis();
  const smtp = await startSmtpServer();
  const apiPort = await freePort();
  const base = `http://127.0.0.1:${apiPort}`;
  const env: NodeJS.ProcessEnv = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    PORT: String(apiPort),
    HOST: '127.0.0.1',
    PUBLIC_URL: base,
    DATABASE_URL: viaProxy.toString(),
    DATABASE_POOL_MAX: '5',
    REDIS_URL: redis.url,
    REDIS_PREFIX: `chaos-${name}`,
    SMTP_URL: smtp.url,
    DEV_MAILBOX: 'false',
    GLAS_SECRET: randomBytes(32).toString('hex'),
    RATE_LIMIT_API_PER_MINUTE: '1000000',
    RATE_LIMIT_SURVEY_PER_MINUTE: '1000000',
    RATE_LIMIT_SURVEY_TOKEN_PER_MINUTE: '1000',
    SEND_CONCURRENCY: '5',
    SEND_ATTEMPTS: '30',
    SEND_BACKOFF_MS: '200',
    WORKER_LOCK_MS: '2000',
    WORKER_STALLED_INTERVAL_MS: '1000',
    OUTBOX_POLL_MS: '100',
    SCHEDULE_CHECK_MS: '2000',
    RECONCILE_INTERVAL_SECONDS: '2',
    RECONCILE_OVERDUE_MS: '4000',
    SEND_UNKNOWN_AFTER_MS: '8000',
    SEND_CLAIM_LEASE_MS: '3000',
  };
  const faults: string[] = [];
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({
      pool: new Pool({ connectionString: direct.toString(), max: 3 }),
    }),
  });
  let roles: Partial<Roles> = {};
  const started = Date.now();
  // A role that exits without being killed by the run crashed: a supervisor would hide that.
  const killedByRun = new WeakSet<ChildProcess>();
  let crashes = 0;
  const start = async (role: string) => {
    const child = await startRole(role, env);
    child.once('exit', (code, signal) => {
      if (!killedByRun.has(child)) {
        crashes += 1;
        log(`${role} crashed (${signal ?? `exit ${code}`})`);
      }
    });
    return child;
  };
  const stop = (child: ChildProcess) => {
    killedByRun.add(child);
    return kill(child);
  };
  try {
    // The api migrates the new database; worker and scheduler then start side by side.
    roles.api = await start('api');
    [roles.worker, roles.scheduler] = await Promise.all([start('worker'), start('scheduler')]);
    const { workspace, adminKey } = await buildWorkspace(db);
    await buildSurvey(db, workspace.id);
    await db
      .updateTable('workspaces')
      .set({ quiet_period_days: 0 })
      .where('id', '=', workspace.id)
      .execute();
    log('processes up');

    let http500 = 0;
    let http503 = 0;
    let gaveUp = 0;
    const post = async (url: string, body: string, headers: Record<string, string>) => {
      for (;;) {
        if (Date.now() > giveUpAt) {
          gaveUp += 1;
          log(`gave up retrying ${url}`);
          return 0;
        }
        try {
          const res = await fetch(url, {
            method: 'POST',
            body,
            headers,
            signal: AbortSignal.timeout(10_000),
          });
          const text = await res.text();
          if (res.status >= 500) {
            if (res.status === 503) {
              http503 += 1;
            } else {
              http500 += 1;
              log(`${res.status} from ${url}: ${text.slice(0, 200)}`);
            }
          } else {
            return res.status;
          }
        } catch {
          // The API process is away or the line is cut: a client retries.
        }
        await sleep(300);
      }
    };

    // Answers: each mail that arrives is answered through its link, once per recipient.
    const answered = new Set<string>();
    let answersGiven = 0;
    let stopAnswering = false;
    const answering = (async () => {
      while (!stopAnswering) {
        for (const mail of smtp.inbox) {
          const to = mail.to[0] ?? '';
          const token = /\/s\/([A-Za-z0-9_-]{20,100})/.exec(mail.raw)?.[1];
          if (!token || answered.has(to)) {
            continue;
          }
          answered.add(to);
          const status = await post(`${base}/s/${token}`, 'score=9&comment=ok', {
            'content-type': 'application/x-www-form-urlencoded',
          });
          if (status === 200) {
            answersGiven += 1;
          }
        }
        await sleep(200);
      }
    })();

    // Faults, spread over the stream of events.
    const durationMs = (opts.events / opts.rate) * 1000;
    const plan: { at: number; run: () => Promise<void> }[] = [];
    for (let i = 1; i <= opts.workerKills; i++) {
      plan.push({
        at: (durationMs * i) / (opts.workerKills + 1),
        run: async () => {
          await stop(roles.worker!);
          faults.push(`worker SIGKILL at ${Math.round((Date.now() - started) / 1000)} s`);
          log('worker killed');
          roles.worker = await start('worker');
          log('worker restarted');
        },
      });
    }
    for (let i = 1; i <= opts.redisRestarts; i++) {
      plan.push({
        at: (durationMs * (i + 0.5)) / (opts.redisRestarts + 1),
        run: async () => {
          await redis.restart();
          faults.push(`Redis restarted empty at ${Math.round((Date.now() - started) / 1000)} s`);
          log('Redis restarted empty');
        },
      });
    }
    if (opts.postgresCutSeconds > 0) {
      plan.push({
        at: durationMs * 0.7,
        run: async () => {
          await proxy.cut();
          faults.push(
            `Postgres cut for ${opts.postgresCutSeconds} s at ${Math.round((Date.now() - started) / 1000)} s`,
          );
          log('Postgres cut');
          await sleep(opts.postgresCutSeconds * 1000);
          await proxy.restore();
          log('Postgres restored');
        },
      });
    }
    plan.sort((a, b) => a.at - b.at);
    const loadStart = Date.now();
    let lastFaultAt = loadStart;
    const faultsDone = (async () => {
      for (const step of plan) {
        await sleep(Math.max(0, loadStart + step.at - Date.now()));
        await step.run();
        lastFaultAt = Date.now();
      }
    })();

    let accepted = 0;
    const sends: Promise<void>[] = [];
    for (let i = 0; i < opts.events; i++) {
      await sleep(Math.max(0, loadStart + (i * 1000) / opts.rate - Date.now()));
      sends.push(
        post(
          `${base}/api/events`,
          JSON.stringify({ type: 'ticket.closed', contact: { email: `p${i}@chaos.example.com` } }),
          {
            'content-type': 'application/json',
            authorization: `Bearer ${adminKey}`,
            'idempotency-key': `chaos-${i}`,
          },
        ).then((status) => {
          if (status < 300) {
            accepted += 1;
          }
        }),
      );
    }
    await Promise.all(sends);
    await faultsDone;
    log(`${accepted} events accepted; waiting for recovery`);

    // Recovery: every invitation final and every mail answered and stored.
    const deadline = Math.min(Date.now() + opts.recoverTimeoutMs, giveUpAt);
    let recovered = false;
    while (Date.now() < deadline) {
      const open = await db
        .selectFrom('invitations')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('status', 'in', ['scheduled', 'sending'])
        .executeTakeFirstOrThrow();
      const counted = await db
        .selectFrom('responses')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('status', '=', 'counted')
        .executeTakeFirstOrThrow();
      if (
        Number(open.n) === 0 &&
        Number(counted.n) >= answered.size &&
        answered.size === new Set(smtp.inbox.map((m) => m.to[0])).size
      ) {
        recovered = true;
        break;
      }
      await sleep(500);
    }
    const recoverSeconds = recovered ? Math.round((Date.now() - lastFaultAt) / 100) / 10 : NaN;
    log(recovered ? 'recovered' : 'did not recover in time');
    stopAnswering = true;
    await answering;

    // The schedules heal within a few SCHEDULE_CHECK_MS (2 s here) of Redis coming back; the
    // run may recover its invitations sooner, so /readyz is asked until then, not only once.
    const readSchedules = async () => {
      const ready = (await fetch(`${base}/readyz`)
        .then((r) => r.json())
        .catch(() => ({}))) as { checks?: { schedules?: string } };
      return ready.checks?.schedules ?? 'unreadable';
    };
    let schedulesCheck = await readSchedules();
    for (let waited = 0; schedulesCheck !== 'ok' && waited < 15_000; waited += 500) {
      await sleep(500);
      schedulesCheck = await readSchedules();
    }
    const schedulesMissing =
      schedulesCheck === 'ok'
        ? 0
        : // A check that is not ok but names nothing (late, unreadable) still counts as one.
          (/missing in Redis: ([^;]*)/.exec(schedulesCheck)?.[1]?.split(', ').length ?? 1);
    log(`readyz schedules: ${schedulesCheck}`);

    const invitations = await db
      .selectFrom('invitations')
      .innerJoin('contacts', 'contacts.id', 'invitations.contact_id')
      .select(['invitations.id', 'invitations.status', 'contacts.email'])
      .execute();
    const mails = new Map<string, number>();
    for (const mail of smtp.inbox) {
      const to = mail.to[0] ?? '';
      mails.set(to, (mails.get(to) ?? 0) + 1);
    }
    const ambiguous = invitations.filter((r) => r.status === 'send_unknown').length;
    const lost = invitations.filter(
      (r) => !mails.has(r.email) && r.status !== 'send_unknown' && r.status !== 'failed',
    ).length;
    const responses = await db
      .selectFrom('responses')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('status', '=', 'counted')
      .executeTakeFirstOrThrow();
    return {
      events: opts.events,
      accepted,
      mailed: mails.size,
      lost: lost + Math.max(0, accepted - invitations.length),
      doubled: [...mails.values()].filter((n) => n > 1).length,
      ambiguous,
      answersGiven,
      answersLost: Math.max(0, answersGiven - Number(responses.n)),
      http500,
      http503,
      gaveUp,
      crashes,
      schedulesMissing,
      recoverSeconds,
      faults,
      timeline,
    };
  } finally {
    await Promise.all(Object.values(roles).map((c) => stop(c)));
    roles = {};
    await db.destroy();
    await proxy.stop();
    await redis.stop();
    await smtp.close();
    const maintenance = new URL(TEST_DATABASE_URL);
    maintenance.pathname = '/postgres';
    const admin = new Client({ connectionString: maintenance.toString() });
    await admin.connect();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}
