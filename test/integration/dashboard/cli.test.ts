import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { TEST_DATABASE_URL } from '../../support/test-context';

const root = path.join(__dirname, '../../..');
const tsx = path.join(root, 'node_modules/.bin/tsx');
const run = promisify(execFile);

const name = `glas_cli_${randomBytes(4).toString('hex')}`;
const url = new URL(TEST_DATABASE_URL);
url.pathname = `/${name}`;
const adminUrl = new URL(TEST_DATABASE_URL);
adminUrl.pathname = '/postgres';
const env = { ...process.env, NODE_ENV: 'test', DATABASE_URL: url.toString(), LOG_LEVEL: 'silent' };

async function query<T extends object>(connection: string, text: string, values: unknown[] = []) {
  const client = new Client({ connectionString: connection });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

const glas = (args: string[]) => run(tsx, ['src/cli.ts', ...args], { cwd: root, env });

afterAll(async () => {
  await query(adminUrl.toString(), `drop database if exists "${name}" with (force)`);
});

describe('glas CLI: dashboard users', () => {
  it('creates the workspace with its first dashboard admin, then more users; passwords stored as argon2id', async () => {
    const { stdout } = await glas([
      'create-workspace',
      '--name',
      'Cli Co',
      '--admin-email',
      'Boss@Example.com',
      '--admin-password',
      'a long admin passphrase',
      '--json',
    ]);
    const out = JSON.parse(stdout) as {
      workspace: { id: string };
      apiKey: string;
      admin: { email: string; role: string };
    };
    expect(out.admin).toMatchObject({ email: 'boss@example.com', role: 'admin' });

    const added = await glas([
      'create-user',
      '--workspace',
      out.workspace.id,
      '--email',
      'exec@example.com',
      '--password',
      'another long passphrase',
      '--role',
      'executive',
      '--json',
    ]);
    expect(JSON.parse(added.stdout)).toMatchObject({
      user: { email: 'exec@example.com', role: 'executive' },
    });

    const users = await query<{ email: string; role: string; password_hash: string }>(
      url.toString(),
      'select email, role, password_hash from users order by created_at',
    );
    expect(users.map((u) => [u.email, u.role])).toEqual([
      ['boss@example.com', 'admin'],
      ['exec@example.com', 'executive'],
    ]);
    for (const u of users) {
      expect(u.password_hash).toMatch(/^\$argon2id\$/);
      expect(u.password_hash).not.toContain('passphrase');
    }
  }, 60_000);

  it('refuses a short password and a bad role with exit code 2 and creates nothing', async () => {
    const before = await query(url.toString(), 'select count(*)::int as n from workspaces').catch(
      () => [{ n: 0 }],
    );
    const short = glas([
      'create-workspace',
      '--name',
      'Nope',
      '--admin-email',
      'a@b.co',
      '--admin-password',
      'short',
    ]);
    await expect(short).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--password: at least 10 characters'),
    });
    const role = glas([
      'create-user',
      '--workspace',
      '00000000-0000-4000-8000-000000000000',
      '--email',
      'x@example.com',
      '--password',
      'long enough password',
      '--role',
      'owner',
    ]);
    await expect(role).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--role'),
    });
    expect(
      await query(url.toString(), 'select count(*)::int as n from workspaces').catch(() => [
        { n: 0 },
      ]),
    ).toEqual(before);
  }, 60_000);
});
