import { runChaos } from '../../support/chaos';

// The short chaos run (npm run chaos runs it long): real api, worker and scheduler processes,
// two worker SIGKILLs, a Redis restart that loses every job and schedule, Postgres cut for
// 4 s. Nothing is lost or doubled outside the truly ambiguous window, and nothing answers 500.
jest.setTimeout(240_000);

it('loses and doubles nothing while workers die, Redis forgets and Postgres goes away', async () => {
  const figures = await runChaos({
    events: 60,
    rate: 6,
    workerKills: 2,
    redisRestarts: 1,
    postgresCutSeconds: 4,
    recoverTimeoutMs: 120_000,
  });
  expect(figures).toMatchObject({ accepted: 60, lost: 0, doubled: 0, answersLost: 0, http500: 0 });
  // At most what the killed workers had handed to SMTP (SEND_CONCURRENCY 5 per kill).
  expect(figures.ambiguous).toBeLessThanOrEqual(2 * 5);
  expect(figures.mailed + figures.ambiguous).toBeGreaterThanOrEqual(60);
  expect(figures.recoverSeconds).toBeLessThan(120);
});
