import { setTimeout as sleep } from 'node:timers/promises';
import type { Options } from 'express-rate-limit';
import { FLUSH_MS, LOCAL_SHARE, RedisCounterStore } from '../../../src/http/rate-limit';
import { createTestWorld } from '../../support/test-context';
import type { TestWorld } from '../../support/test-context';

// Two stores on one prefix stand for two API processes: each keeps its own local counts and
// both count in the same Redis keys, as the processes of one deployment do.
let world: TestWorld;
let run = 0;

beforeAll(async () => {
  world = await createTestWorld();
});
afterAll(async () => {
  await world.close();
});

function processes(n: number, limit: number): RedisCounterStore[] {
  const prefix = `${world.ctx.config.REDIS_PREFIX}:rate:shared-test-${run++}:`;
  return Array.from({ length: n }, () => {
    const store = new RedisCounterStore(world.ctx.redis, prefix);
    store.init({ windowMs: 60_000, limit } as Options);
    return store;
  });
}

/** `total` hits on one key, 50 in flight at a time, each sent to a process picked at random. */
async function hit(stores: RedisCounterStore[], total: number, limit: number): Promise<number> {
  let admitted = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: 50 }, async () => {
      while (next++ < total) {
        const store = stores[Math.floor(Math.random() * stores.length)]!;
        const { totalHits } = await store.increment('key');
        if (totalHits <= limit) {
          admitted++;
        }
      }
    }),
  );
  return admitted;
}

describe('rate limits shared by API processes', () => {
  it('admits at most the limit plus LOCAL_SHARE of it per process, across two processes', async () => {
    const limit = 2000;
    const stores = processes(2, limit);
    const admitted = await hit(stores, 6000, limit);
    expect(admitted).toBeGreaterThanOrEqual(limit);
    expect(admitted).toBeLessThanOrEqual(limit + stores.length * limit * LOCAL_SHARE);
  });

  it('counts every hit in Redis once the local counts are flushed', async () => {
    const limit = 100_000;
    const stores = processes(2, limit);
    await hit(stores, 1234, limit);
    await sleep(FLUSH_MS * 4);
    expect(await world.ctx.redis.get(`${stores[0]!.prefix}key`)).toBe('1234');
  });

  it('asks Redis on every hit when the limit is under 100 (batch of 1): exact', async () => {
    const limit = 30;
    const stores = processes(2, limit);
    expect(await hit(stores, 200, limit)).toBe(limit);
  });
});
