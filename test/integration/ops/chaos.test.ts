import { runChaos } from '../../support/chaos';

// The short chaos run (npm run chaos runs it long): real api, worker and scheduler processes,
// two worker SIGKILLs, a Redis restart that loses every job and schedule, Postgres cut for
// 4 s. Nothing is lost or doubled outside the truly ambiguous window, and nothing answers 500.
// The run bounds itself (giveUpAfterMs) so a regression fails with its timeline, not a timeout.
jest.setTimeout(300_000);

it('loses and doubles nothing while workers die, Redis forgets and Postgres goes away', async () => {
  const figures = await runChaos({
    events: 40,
    rate: 5,
    workerKills: 2,
    redisRestarts: 1,
    postgresCutSeconds: 4,
    recoverTimeoutMs: 150_000,
    giveUpAfterMs: 240_000,
  });
  const summary = { ...figures, timeline: figures.timeline.join('\n') };
  expect(summary).toMatchObject({
    accepted: 40,
    lost: 0,
    doubled: 0,
    answersLost: 0,
    http500: 0,
    gaveUp: 0,
    crashes: 0,
    schedulesMissing: 0,
  });
  // "Maybe sent" spans only the message data and the write that records it, one send at a
  // time per process (the hand-off turn), so each kill leaves at most one send in it.
  expect(figures.ambiguous).toBeLessThanOrEqual(2);
  expect(figures.mailed + figures.ambiguous).toBeGreaterThanOrEqual(40);
  expect(figures.recoverSeconds).toBeLessThan(150);
});
