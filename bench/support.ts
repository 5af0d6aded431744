/** What the benchmarks share: command-line options, medians, the machine line and BENCHMARKS.md. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';

export const log = (msg: string) => process.stderr.write(`${msg}\n`);

/** The value after `--name` on the command line. */
export function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** "AMD EPYC, 2 cores, 24 GiB, Node v20.20.2, PostgreSQL 15.20 (…)": the machine a figure is from. */
export async function machine(db: Kysely<unknown>): Promise<string> {
  const { rows } = await sql<{ v: string }>`select version() as v`.execute(db);
  const pg = rows[0]?.v.split(' on ')[0] ?? 'PostgreSQL';
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `${cpu}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${pg}`;
}

/**
 * "load average 1.0 at the start, 9.8 at the end (2 cores)": how busy the machine was, other
 * work included, so a section says when its figures come from a shared, loaded machine.
 */
export function loadNote(startLoad: number): string {
  const end = os.loadavg()[0]!;
  const cores = os.cpus().length;
  const busy = Math.max(startLoad, end) > cores;
  return `Load average ${startLoad.toFixed(1)} at the start, ${end.toFixed(1)} at the end (${cores} cores)${busy ? ': other work on the machine competed for the cores, so absolute figures are low and ratios noisier than on a quiet machine' : ''}.`;
}

const HEAD =
  "# Benchmarks\n\nNumbers from `npm run bench` on this project's machines; newest first. Never timed assertions in tests.\n\n";

/** Puts a section at the top of BENCHMARKS.md, after the title paragraph (newest first). */
export function prependToBenchmarks(section: string): void {
  const file = path.join(__dirname, '..', 'BENCHMARKS.md');
  const previous = existsSync(file) ? readFileSync(file, 'utf8').replace(HEAD, '') : '';
  writeFileSync(file, `${HEAD}${section}\n${previous}`);
}
