import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Client } from 'pg';
import { SCHEDULES } from '../../../src/jobs/schedules';
import { TEST_DATABASE_URL } from '../../support/test-context';

// Schedulers are safe to run more than once at the same time (docs/reliability.md): two
// processes started together set the database up once and leave one job per schedule.
const root = path.join(__dirname, '../../..');
const tsx = path.join(root, 'node_modules/.bin/tsx');
const name = `glas_sched_${randomBytes(4).toString('hex')}`;
const prefix = `glas-test-${name}`;
const url = new URL(TEST_DATABASE_URL);
url.pathname = `/${name}`;
const adminUrl = new URL(TEST_DATABASE_URL);
adminUrl.pathname = '/postgres';

const started: ChildProcessWithoutNullStreams[] = [];

/** A scheduler process in its own process group, so a failed test can kill it with tsx's child. */
function start(): ChildProcessWithoutNullStreams {
  const child = spawn(tsx, ['src/main.ts'], {
    cwd: root,
    detached: true,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      DATABASE_URL: url.toString(),
      REDIS_PREFIX: prefix,
      GLAS_ROLES: 'scheduler',
      LOG_LEVEL: 'info',
    },
  });
  started.push(child);
  return child;
}

function running(child: ChildProcessWithoutNullStreams): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`not running:\n${out}`)), 45_000);
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('Glas is running')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code) => reject(new Error(`exited ${code}:\n${out}`)));
  });
}

let queue: Queue;

beforeAll(() => {
  const redis = new URL(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
  queue = new Queue('maintenance', {
    prefix,
    connection: { host: redis.hostname, port: Number(redis.port || 6379) },
  });
});

afterAll(async () => {
  // A test that failed before its own SIGTERM must not leave schedulers running.
  for (const child of started) {
    if (child.exitCode === null && child.signalCode === null && child.pid) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }
  await queue.obliterate({ force: true });
  await queue.close();
  const admin = new Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  await admin.query(`drop database if exists "${name}" with (force)`);
  await admin.end();
});

describe('three scheduler processes started at once', () => {
  it('create the database once and leave exactly one job scheduler and one next job per schedule', async () => {
    const children = [start(), start(), start()];
    await Promise.all(children.map(running));

    const schedulers = await queue.getJobSchedulers(0, 100);
    expect(schedulers.map((s) => s.key).sort()).toEqual(SCHEDULES.map((s) => s.id).sort());
    // A schedule that fell due just now has its next job waiting, not delayed (nobody here
    // works the queue): both count as the one next job.
    const delayed = await queue.getJobs(['delayed', 'wait', 'prioritized'], 0, 100);
    const perScheduler = new Map<string, number>();
    for (const job of delayed) {
      perScheduler.set(job.name, (perScheduler.get(job.name) ?? 0) + 1);
    }
    expect([...perScheduler.values()].every((n) => n === 1)).toBe(true);
    expect([...perScheduler.keys()].sort()).toEqual(SCHEDULES.map((s) => s.task).sort());

    const exits = children.map((c) => new Promise<number | null>((r) => c.on('exit', r)));
    children.forEach((c) => c.kill('SIGTERM'));
    expect(await Promise.all(exits)).toEqual([0, 0, 0]);
  });
});
