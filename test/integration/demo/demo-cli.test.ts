import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const root = path.join(__dirname, '../../..');
const tsx = path.join(root, 'node_modules/.bin/tsx');
const run = promisify(execFile);

// Flags are checked before any database work: these runs touch nothing.
const glas = (args: string[]) =>
  run(tsx, ['src/cli.ts', ...args], {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'silent' },
  }).then(
    () => ({ code: 0, stderr: '' }),
    (err: { code: number; stderr: string }) => ({ code: err.code, stderr: err.stderr }),
  );

describe('glas demo: flags', () => {
  it.each([
    [['--seed', 'abc'], '--seed: a whole number'],
    [['--seed=-3'], '--seed: a whole number'],
    [['--name', ''], '--name: 1–200 characters'],
    [['--password', 'short'], '--password: at least 10 characters'],
  ])('refuses %j with exit 2 and a line naming the flag', async (args, message) => {
    const { code, stderr } = await glas(['demo', ...args]);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });

  it('lists the demo command in the usage', async () => {
    const { stderr } = await run(tsx, ['src/cli.ts'], { cwd: root });
    expect(stderr).toContain('demo [--seed <n>]');
  });
});
