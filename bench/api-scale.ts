/**
 * `--only events2` of bench/writes.ts: `POST /api/events` served by one API process against
 * two (bench/api-process.ts, the app factory of the api role), same Postgres and Redis, the
 * same 50 connections in all (25 on each process when there are two). Rounds alternate; each
 * figure is the median round. Also measured: the CPU the API processes used and how busy the
 * machine's cores were, since on two cores the API processes, Postgres and the load driver
 * share them.
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { log, median } from './support';

export interface Shot {
  method: 'POST';
  path: string;
  headers: Record<string, string>;
  body: string;
}

type Load = (
  port: number,
  total: number,
  connections: number,
  shot: (i: number) => Shot,
  expected: number,
) => Promise<{ perSecond: number; p99: number; failures: number }>;

interface ApiProcess {
  port: number;
  child: ChildProcess;
}

export interface ScaleRound {
  processes: number;
  perSecond: number;
  p99: number;
  failures: number;
  /** CPU of the API processes together, in cores (1 = one core busy for the whole round). */
  apiCores: number;
  /** Busy cores of the whole machine over the round (everything: Postgres, the driver, others). */
  machineCores: number;
}

function request<T>(child: ChildProcess, message: string, key: string): Promise<T> {
  return new Promise((resolve) => {
    const on = (m: Record<string, unknown>) => {
      if (key in m) {
        child.off('message', on);
        resolve(m[key] as T);
      }
    };
    child.on('message', on);
    child.send(message);
  });
}

async function start(env: NodeJS.ProcessEnv): Promise<ApiProcess> {
  const child = fork(path.join(__dirname, 'api-process.ts'), [], {
    env,
    execArgv: ['--import', 'tsx'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve(m.port));
    child.once('exit', (code) => reject(new Error(`api process exited with ${code}`)));
  });
  return { port, child };
}

/** Busy and total jiffies of all cores, from /proc/stat. */
function cpuTimes(): { busy: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1);
  const n = fields.map(Number);
  const idle = n[3]! + n[4]!;
  const total = n.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

const cpuSeconds = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1e6;

export async function runApiScale(p: {
  env: NodeJS.ProcessEnv;
  load: Load;
  total: number;
  connections: number;
  rounds: number;
  shot: () => Shot;
}): Promise<ScaleRound[][]> {
  const apis = [await start(p.env), await start(p.env)];
  const cores = os.cpus().length;
  const results: ScaleRound[][] = [[], []];
  try {
    // Warm both processes (JIT, pools, the key cache) before any round is timed.
    await Promise.all(apis.map((a) => p.load(a.port, 200, 10, p.shot, 202)));
    for (let r = 0; r < p.rounds; r++) {
      for (const n of [1, 2]) {
        log(`events2 round ${r + 1}, ${n} API process${n > 1 ? 'es' : ''}…`);
        const used = apis.slice(0, n);
        const cpuBefore = await Promise.all(
          used.map((a) => request<NodeJS.CpuUsage>(a.child, 'cpu', 'cpu')),
        );
        const machineBefore = cpuTimes();
        const started = process.hrtime.bigint();
        const parts = await Promise.all(
          used.map((a) => p.load(a.port, p.total / n, p.connections / n, p.shot, 202)),
        );
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        const machineAfter = cpuTimes();
        const cpuAfter = await Promise.all(
          used.map((a) => request<NodeJS.CpuUsage>(a.child, 'cpu', 'cpu')),
        );
        const apiSeconds = cpuAfter.reduce(
          (s, u, i) => s + cpuSeconds(u) - cpuSeconds(cpuBefore[i]!),
          0,
        );
        results[n - 1]!.push({
          processes: n,
          perSecond: p.total / seconds,
          p99: Math.max(...parts.map((x) => x.p99)),
          failures: parts.reduce((s, x) => s + x.failures, 0),
          apiCores: apiSeconds / seconds,
          machineCores:
            (cores * (machineAfter.busy - machineBefore.busy)) /
            (machineAfter.total - machineBefore.total),
        });
      }
    }
  } finally {
    await Promise.all(
      apis.map(
        (a) =>
          new Promise((resolve) => {
            a.child.once('exit', resolve);
            a.child.send('stop');
          }),
      ),
    );
  }
  return results;
}

/** The BENCHMARKS.md section of the scale-out rounds. */
export function apiScaleSection(
  results: ScaleRound[][],
  on: string,
  rounds: number,
  total: number,
  load: string,
): string {
  const fmt = (v: number) => (v >= 100 ? v.toFixed(0) : v.toFixed(1));
  const row = (rs: ScaleRound[]) => ({
    rate: median(rs.map((x) => x.perSecond)),
    min: Math.min(...rs.map((x) => x.perSecond)),
    max: Math.max(...rs.map((x) => x.perSecond)),
    p99: median(rs.map((x) => x.p99)),
    api: median(rs.map((x) => x.apiCores)),
    machine: median(rs.map((x) => x.machineCores)),
    failures: rs.reduce((s, x) => s + x.failures, 0),
  });
  const cores = os.cpus().length;
  const bound = (one: { rate: number; machine: number }, two: { rate: number; machine: number }) =>
    Math.min(one.machine, two.machine) >= cores - 0.2
      ? `The machine's ${cores} cores were busy through both (${one.machine.toFixed(2)} and ${two.machine.toFixed(2)}): a second API process can only take CPU that Postgres, the load driver and the first process were already using, so here it brings ${(two.rate / one.rate).toFixed(2)}× of one; on a host with cores to spare each process adds its own.`
      : `The machine's cores were not all busy (${one.machine.toFixed(2)} and ${two.machine.toFixed(2)} of ${cores}).`;
  const one = row(results[0]!);
  const two = row(results[1]!);
  const line = (n: number, x: typeof one, ratio: string) =>
    `| ${n} | ${fmt(x.rate)} req/s (${fmt(x.min)}–${fmt(x.max)}), p99 ${fmt(x.p99)} ms | ${ratio} | ${x.api.toFixed(2)} | ${x.machine.toFixed(2)} | ${x.failures} |`;
  const date = new Date().toISOString().slice(0, 10);
  return `## Ingest scale-out: one API process against two (${date})

\`npm run bench:writes -- --only events2\` on ${on}. \`POST /api/events\` (${total} per round, a new contact each, one survey invited) served by one or two API processes (\`bench/api-process.ts\`: the api role's app) against the same Postgres and Redis, driven from the bench process with 50 keep-alive connections in all (25 on each of two). Rounds alternating, median of ${rounds} (min–max). CPU in cores: the API processes' own, and the whole machine's busy time over the round (Postgres, the load driver and anything else running). ${load}

| API processes | Glas, both together | against one | API CPU (cores) | machine busy (cores) | non-2xx |
| --- | --- | --- | --- | --- | --- |
${line(1, one, '—')}
${line(2, two, `${(two.rate / one.rate).toFixed(2)}×`)}

${bound(one, two)}
`;
}
