#!/usr/bin/env node
// `npm run fuzz -- --runs 20000 [--seed N]`: the fuzz test of test/integration/http/fuzz.test.ts
// run long, on the local Postgres and Redis; prints how many requests answered 5xx (it must be 0).
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const args = process.argv.slice(2);
const value = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const runs = Number(value('runs', '20000'));
const seed = Number(value('seed', String(Date.now() % 2 ** 31)));
if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(seed)) {
  console.error('usage: npm run fuzz -- [--runs N] [--seed N]');
  process.exit(2);
}
const jest = path.join(__dirname, '..', 'node_modules', '.bin', 'jest');
const result = spawnSync(jest, ['test/integration/http/fuzz.test.ts'], {
  cwd: path.join(__dirname, '..'),
  stdio: 'inherit',
  env: { ...process.env, FUZZ_RUNS: String(runs), FUZZ_SEED: String(seed) },
});
process.exit(result.status ?? 1);
