import request from 'supertest';
import { Redis } from 'ioredis';
import { findMissingSchedules, SCHEDULES, startScheduleKeeper } from '../../../src/jobs/schedules';
import type { ScheduleKeeper } from '../../../src/jobs/schedules';
import { startPrivateRedis } from '../../support/redis-server';
import type { PrivateRedis } from '../../support/redis-server';
import { createTestWorld } from '../../support/test-context';
import type { TestWorld } from '../../support/test-context';
import { waitFor } from '../../support/wait';

// A Redis without persistence forgets every job scheduler when it restarts or is flushed; the
// scheduler role re-creates them, and /readyz and /metrics say so while one is missing.
const until = (what: string, ok: () => Promise<boolean>) =>
  waitFor(ok, { timeoutMs: 20_000, intervalMs: 100, what });

async function flush(redis: PrivateRedis) {
  const client = new Redis(redis.url);
  await client.flushall();
  expect(await client.dbsize()).toBe(0);
  client.disconnect();
}

const allIds = SCHEDULES.map((s) => s.id).sort();

describe('schedules that heal', () => {
  let redis: PrivateRedis;
  let world: TestWorld;
  let keeper: ScheduleKeeper;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    // A check interval far beyond the test: only the reconnect can heal here.
    world = await createTestWorld({
      env: { REDIS_URL: redis.url, SCHEDULE_CHECK_MS: '3600000' },
    });
    keeper = await startScheduleKeeper(world.ctx);
  });
  afterAll(async () => {
    await keeper.stop();
    await world.close();
    await redis.stop();
  });

  it('re-creates every schedule after Redis restarts with its data lost', async () => {
    expect(await findMissingSchedules(world.ctx)).toEqual([]);
    await redis.restart();
    await until('the schedules to come back', async () => {
      try {
        return (await findMissingSchedules(world.ctx)).length === 0;
      } catch {
        return false;
      }
    });
    const schedulers = await world.ctx.queues.get('maintenance').getJobSchedulers();
    expect(schedulers.map((s) => s.key).sort()).toEqual(allIds);
  });

  it('reports missing schedules on /readyz and /metrics until they are back', async () => {
    await until('Redis to answer', async () => (await world.ctx.redis.ping()) === 'PONG');
    // A flush emits no event: the schedules stay missing until the periodic check.
    await flush(redis);
    const res = await request(world.app).get('/readyz').expect(503);
    expect(res.body.checks.schedules).toBe(`missing in Redis: ${allIds.join(', ')}`);
    const metrics = await request(world.app).get('/metrics').expect(200);
    expect(metrics.text).toContain('glas_schedule_missing{schedule="autopilot"} 1');

    await keeper.stop();
    keeper = await startScheduleKeeper(world.ctx);
    const ready = await request(world.app).get('/readyz').expect(200);
    expect(ready.body.checks.schedules).toBe('ok');
    const after = await request(world.app).get('/metrics').expect(200);
    expect(after.text).not.toContain('glas_schedule_missing{');
  });
});

describe('the periodic check', () => {
  it('re-creates schedules after a flush, which no connection event announces', async () => {
    const redis = await startPrivateRedis();
    const world = await createTestWorld({
      env: { REDIS_URL: redis.url, SCHEDULE_CHECK_MS: '200' },
    });
    const keeper = await startScheduleKeeper(world.ctx);
    try {
      await flush(redis);
      await until(
        'the periodic check',
        async () => (await findMissingSchedules(world.ctx)).length === 0,
      );
    } finally {
      await keeper.stop();
      await world.close();
      await redis.stop();
    }
  });
});
