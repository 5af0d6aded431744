import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import request from 'supertest';
import { startOutboxRelay } from '../../../src/jobs/outbox-relay.job';
import type { Poller } from '../../../src/jobs/outbox-relay.job';
import { reconcileInvitations } from '../../../src/dispatch/invitation.service';
import { bearer, buildSurvey, buildWorkspace } from '../../support/factories';
import { startPrivateRedis } from '../../support/redis-server';
import type { PrivateRedis } from '../../support/redis-server';
import { TEST_DATABASE_URL, createTestWorld } from '../../support/test-context';
import type { TestWorld } from '../../support/test-context';
import { waitFor } from '../../support/wait';

jest.setTimeout(180_000);

const EVENTS = 1000;
let redis: PrivateRedis;
let world: TestWorld;
let relay: Poller | undefined;
let child: ChildProcess | undefined;

// Fast failure detection for the test: locks of 2 s, stalled checks every second.
const env = (redisUrl: string) => ({
  REDIS_URL: redisUrl,
  RATE_LIMIT_SURVEY_PER_MINUTE: '100000',
  RATE_LIMIT_API_PER_MINUTE: '100000',
  SEND_CONCURRENCY: '10',
  SEND_ATTEMPTS: '20',
  SEND_BACKOFF_MS: '50',
  WORKER_LOCK_MS: '2000',
  WORKER_STALLED_INTERVAL_MS: '1000',
  OUTBOX_POLL_MS: '50',
});

beforeAll(async () => {
  redis = await startPrivateRedis();
  world = await createTestWorld({ env: env(redis.url) });
});
afterAll(async () => {
  child?.kill('SIGKILL');
  await relay?.stop();
  await world.close();
  await redis.stop();
});

function startChildWorker(): Promise<ChildProcess> {
  const c = world.ctx.config;
  const proc = fork(path.join(__dirname, '../../support/worker-process.ts'), [], {
    execArgv: ['--require', require.resolve('tsx/cjs')],
    env: {
      ...process.env,
      ...env(redis.url),
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATABASE_URL: TEST_DATABASE_URL,
      DATABASE_POOL_MAX: '5',
      REDIS_PREFIX: c.REDIS_PREFIX,
      SMTP_URL: world.smtp.url,
      PUBLIC_URL: c.PUBLIC_URL,
      GLAS_TEST_SCHEMA: world.schema,
    },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    proc.once('message', () => resolve(proc));
    proc.once('exit', (code) => reject(new Error(`worker exited early (${code})`)));
  });
}

describe('delivery under faults', () => {
  it('delivers 1,000 invitations exactly once across a kill -9 of a worker and a Redis restart', async () => {
    const { workspace, adminKey } = await buildWorkspace(world.ctx.db);
    await buildSurvey(world.ctx.db, workspace.id);
    child = await startChildWorker();
    relay = startOutboxRelay(world.ctx);

    // Ingest only needs Postgres: post all events up front, in batches of 200.
    for (let b = 0; b < EVENTS / 200; b++) {
      const events = Array.from({ length: 200 }, (_, i) => ({
        type: 'ticket.closed',
        contact: { email: `c${b * 200 + i}@example.com` },
      }));
      const res = await request(world.app)
        .post('/api/events/batch')
        .set(bearer(adminKey))
        .send({ events })
        .expect(200);
      expect(res.body.accepted).toBe(200);
    }

    // Kill the only worker mid-run; then bring up an in-process one.
    await waitFor(() => world.smtp.inbox.length >= 150, {
      timeoutMs: 60_000,
      intervalMs: 50,
      what: () => `150 mails, got ${world.smtp.inbox.length}`,
    });
    child.kill('SIGKILL');
    world.startWorkers();

    // Restart Redis (no persistence: every queued and delayed job is gone).
    await waitFor(() => world.smtp.inbox.length >= 500, {
      timeoutMs: 60_000,
      intervalMs: 50,
      what: () => `500 mails, got ${world.smtp.inbox.length}`,
    });
    await redis.restart();

    // The reconciler (normally a job scheduler every 2 min) repairs what was lost.
    const reconcile = setInterval(() => {
      void reconcileInvitations(
        world.ctx.db,
        { now: () => new Date() },
        {
          sendingTimeoutMs: 3000,
          overdueMs: 1000,
          giveUpHours: 72,
          claimLeaseMs: 60_000,
        },
      ).catch(() => undefined);
    }, 500);
    try {
      await waitFor(
        async () => {
          const open = await world.ctx.db
            .selectFrom('invitations')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .where('workspace_id', '=', workspace.id)
            .where('status', 'in', ['scheduled', 'sending'])
            .executeTakeFirstOrThrow();
          return Number(open.n) === 0;
        },
        { timeoutMs: 120_000, intervalMs: 50, what: 'every invitation to reach a final status' },
      );
    } finally {
      clearInterval(reconcile);
    }

    const rows = await world.ctx.db
      .selectFrom('invitations')
      .select(['id', 'status'])
      .where('workspace_id', '=', workspace.id)
      .execute();
    expect(rows).toHaveLength(EVENTS);
    const received = new Map<string, number>();
    for (const mail of world.smtp.inbox) {
      received.set(mail.invitationId!, (received.get(mail.invitationId!) ?? 0) + 1);
    }
    const duplicated = [...received].filter(([, n]) => n > 1);
    expect(duplicated).toEqual([]);
    const byStatus = (s: string) => rows.filter((r) => r.status === s);
    // Sent rows were received exactly once; nothing else is missing or doubled.
    expect(byStatus('sent').filter((r) => received.get(r.id) !== 1)).toEqual([]);
    const unknown = byStatus('send_unknown');
    // Lost = no mail and no explicit terminal status. Only the kill window can be ambiguous.
    const lost = rows.filter((r) => !received.has(r.id) && r.status !== 'send_unknown');
    expect(lost).toEqual([]);
    expect(byStatus('sent').length + unknown.length).toBe(EVENTS);
    // Ambiguous sends are bounded by what the killed worker had in hand (concurrency 10).
    expect(unknown.length).toBeLessThanOrEqual(10);
  });
});
