/**
 * `npm run bench [-- --only events,batch,form,events2,import,delivery,scale,metrics] [--rounds N]`:
 * every benchmark, one after another, each beside its bare stack in its own run:
 *   - events, batch, form, import: bench/writes.ts (Express + pg INSERT, multi-row INSERT, COPY);
 *   - events2: bench/writes.ts, ingest served by one API process against two;
 *   - delivery: bench/delivery.ts (BullMQ + pooled nodemailer to the same SMTP sink);
 *   - scale: bench/delivery.ts --scale (one worker process against two, the sink answering
 *     after BENCH_SMTP_LATENCY_MS, 50 ms unless set);
 *   - metrics: bench/run.ts (10M responses against the raw scan; about 20 min the first time,
 *     BENCH_REUSE=1 keeps the data).
 * Each writes its section to BENCHMARKS.md. Without `--only`, all of them.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { arg, log } from './support';

const ALL = [
  'events',
  'batch',
  'form',
  'events2',
  'import',
  'delivery',
  'scale',
  'metrics',
] as const;
const only = new Set((arg('only') ?? ALL.join(',')).split(','));
const unknown = [...only].filter((s) => !(ALL as readonly string[]).includes(s));
if (unknown.length > 0) {
  log(`unknown scenario ${unknown.join(', ')}; choose from ${ALL.join(', ')}`);
  process.exit(2);
}
const rounds = arg('rounds');
const withRounds = rounds ? ['--rounds', rounds] : [];

function run(script: string, args: string[], env: NodeJS.ProcessEnv = {}): void {
  log(`\n▶ ${script} ${args.join(' ')}`);
  const tsx = path.join(__dirname, '..', 'node_modules', '.bin', 'tsx');
  const r = spawnSync(tsx, [path.join(__dirname, script), ...args], {
    stdio: 'inherit',
    env: { ...process.env, ...env },
  });
  if (r.status !== 0) {
    log(`${script} failed (exit ${r.status ?? r.signal})`);
    process.exit(1);
  }
}

const writes = ['events', 'batch', 'form', 'events2', 'import'].filter((s) => only.has(s));
if (writes.length > 0) {
  run('writes.ts', ['--only', writes.join(','), ...withRounds]);
}
if (only.has('delivery')) {
  run('delivery.ts', withRounds);
}
if (only.has('scale')) {
  run('delivery.ts', ['--scale', ...withRounds], {
    BENCH_SMTP_LATENCY_MS: process.env.BENCH_SMTP_LATENCY_MS ?? '50',
  });
}
if (only.has('metrics')) {
  run('run.ts', []);
}
