import { execFile, spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { TEST_DATABASE_URL } from '../../support/test-context';
import { waitFor } from '../../support/wait';

const root = path.join(__dirname, '../../..');
const tsx = path.join(root, 'node_modules/.bin/tsx');
const run = promisify(execFile);

const name = `glas_start_${randomBytes(4).toString('hex')}`;
const url = new URL(TEST_DATABASE_URL);
url.pathname = `/${name}`;
const databaseUrl = url.toString();
const adminUrl = new URL(TEST_DATABASE_URL);
adminUrl.pathname = '/postgres';

const env = {
  ...process.env,
  NODE_ENV: 'test',
  DATABASE_URL: databaseUrl,
  REDIS_PREFIX: `glas-test-${name}`,
  PORT: '0',
  HOST: '127.0.0.1',
  LOG_LEVEL: 'info',
};

async function admin<T>(fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl.toString() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Resolves with the URL the service logs once it listens. */
function waitForUrl(child: ChildProcessWithoutNullStreams): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(
      () => reject(new Error(`no URL logged; output so far:\n${buffer}`)),
      45_000,
    );
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const found = /"url":"(http:\/\/[^"]+)"/.exec(buffer);
      if (found?.[1]) {
        clearTimeout(timer);
        resolve(found[1]);
      }
    });
    child.on('exit', (code) => reject(new Error(`exited with ${code}:\n${buffer}`)));
  });
}

afterAll(async () => {
  await admin((c) => c.query(`drop database if exists "${name}" with (force)`));
});

describe('npm start on an empty Postgres', () => {
  it('creates the database, migrates it, serves, and stops cleanly on SIGTERM', async () => {
    const before = await admin((c) =>
      c.query('select 1 from pg_database where datname = $1', [name]),
    );
    expect(before.rowCount).toBe(0);

    const child = spawn(tsx, ['src/main.ts'], { cwd: root, env });
    const stderr: string[] = [];
    child.stderr.on('data', (c: Buffer) => stderr.push(c.toString()));
    let log = '';
    child.stdout.on('data', (c: Buffer) => (log += c.toString()));
    const base = await waitForUrl(child);

    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      checks: { postgres: 'ok', redis: 'ok', migrations: 'ok' },
    });

    // No workspace yet: the log carries the one-time setup token, and it sets up the first one.
    await waitFor(() => /setup token: glas_setup_/.test(log), {
      timeoutMs: 10_000,
      what: 'the setup token in the log',
    });
    const token = /setup token: (glas_setup_[A-Za-z0-9_-]+)/.exec(log)![1]!;
    const setup = await fetch(`${base}/dashboard/setup`, {
      method: 'POST',
      headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        token,
        workspaceName: 'First Co',
        email: 'first@example.com',
        password: 'a long passphrase',
      }),
    });
    expect(setup.status).toBe(201);
    expect(await setup.json()).toMatchObject({ workspace: { name: 'First Co' } });

    // The bootstrap command from the README works against the same database.
    const { stdout } = await run(
      tsx,
      ['src/cli.ts', 'create-workspace', '--name', 'Start Co', '--json'],
      {
        cwd: root,
        env,
      },
    );
    const created = JSON.parse(stdout) as {
      workspace: { id: string; name: string };
      apiKey: string;
    };
    expect(created.workspace.name).toBe('Start Co');
    const surveys = await fetch(`${base}/api/surveys`, {
      headers: { Authorization: `Bearer ${created.apiKey}` },
    });
    expect(surveys.status).toBe(200);

    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr.join('')).toBe('');

    const db = new Client({ connectionString: databaseUrl });
    await db.connect();
    const keys = await db
      .query<{ key_hash: string }>('select key_hash from api_keys')
      .finally(() => db.end());
    // Only the hash is stored.
    expect(keys.rows).toHaveLength(1); // the setup page makes no key; the CLI made this one
    expect(keys.rows[0]!.key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(keys.rows[0]!.key_hash).not.toContain(created.apiKey);
  });

  it('refuses to start on a bad setting and names the variable', async () => {
    const result = await run(tsx, ['src/main.ts'], {
      cwd: root,
      env: { ...env, PORT: 'eighty' },
    }).catch((err: { code: number; stderr: string }) => err);
    expect((result as { code: number }).code).toBe(1);
    expect((result as { stderr: string }).stderr).toMatch(/invalid configuration:\s+PORT: /);
  });
});
