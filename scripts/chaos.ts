// `npm run chaos [-- --events N --rate R --kills K --redis-restarts N --pg-cut S]`: the chaos run
// of test/support/chaos.ts, long, on the local Postgres; prints its figures as JSON.
import { runChaos } from '../test/support/chaos';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(value) || value < 0) {
    throw new Error(`--${name} must be a number`);
  }
  return value;
}

async function main() {
  const figures = await runChaos({
    events: arg('events', 300),
    rate: arg('rate', 5),
    workerKills: arg('kills', 6),
    redisRestarts: arg('redis-restarts', 1),
    postgresCutSeconds: arg('pg-cut', 30),
    recoverTimeoutMs: 300_000,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
  const ok =
    figures.lost === 0 &&
    figures.doubled === 0 &&
    figures.http500 === 0 &&
    figures.crashes === 0 &&
    figures.schedulesMissing === 0 &&
    figures.answersLost === 0;
  process.exit(ok ? 0 : 1);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
