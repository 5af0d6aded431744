import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Client } from 'pg';
import { TEST_DATABASE_URL } from '../../support/test-context';

const root = path.join(__dirname, '../../..');
const tsx = path.join(root, 'node_modules/.bin/tsx');
const fixtures = path.join(root, 'test/fixtures/delighted');

const name = `glas_import_cli_${randomBytes(4).toString('hex')}`;
const url = new URL(TEST_DATABASE_URL);
url.pathname = `/${name}`;
const adminUrl = new URL(TEST_DATABASE_URL);
adminUrl.pathname = '/postgres';
const env = { ...process.env, NODE_ENV: 'test', DATABASE_URL: url.toString(), LOG_LEVEL: 'silent' };

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function glas(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(tsx, ['src/cli.ts', ...args], { cwd: root, env }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

async function query(sql: string, params: unknown[] = []) {
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as Record<string, unknown>[];
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  expect((await glas('migrate')).code).toBe(0);
}, 60_000);

afterAll(async () => {
  const client = new Client({ connectionString: adminUrl.toString() });
  await client.connect();
  await client.query(`drop database if exists "${name}" with (force)`);
  await client.end();
});

describe('glas import-delighted', () => {
  it('dry-runs, imports and re-imports a responses export, with progress on stderr and a JSON summary on stdout', async () => {
    const created = await glas('create-workspace', '--name', 'CLI Co', '--json');
    expect(created.code).toBe(0);
    const workspaceId = (JSON.parse(created.stdout) as { workspace: { id: string } }).workspace.id;
    const file = path.join(fixtures, 'responses.csv');
    const args = [
      'import-delighted',
      '--workspace',
      workspaceId,
      '--type',
      'responses',
      '--file',
      file,
    ];

    const dry = await glas(...args, '--dry-run');
    const real = await glas(...args);
    const again = await glas(...args);

    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({
      dryRun: true,
      newContacts: 4,
      newResponses: 5,
      duplicatesSkipped: 1,
      errors: [
        { line: 7, reason: expect.stringMatching(/score 11/) },
        { line: 8, reason: 'missing score' },
        { line: 9, reason: expect.stringMatching(/unparseable date/) },
        { line: 10, reason: 'missing email' },
      ],
    });
    // Not a terminal: plain progress lines, ending at 100%.
    expect(real.stderr).toMatch(/import-delighted: 100% \(10 rows, 4 unreadable\)/);
    expect(real.code).toBe(0);
    expect(JSON.parse(real.stdout)).toMatchObject({
      dryRun: false,
      newContacts: 4,
      newResponses: 5,
    });
    expect(JSON.parse(again.stdout)).toMatchObject({
      newContacts: 0,
      newResponses: 0,
      duplicatesSkipped: 6,
    });
    const rows = await query(
      `select external_id, score from responses where workspace_id = $1 order by external_id`,
      [workspaceId],
    );
    expect(rows).toEqual([
      { external_id: 'delighted:1001', score: 10 },
      { external_id: 'delighted:1002', score: 3 },
      { external_id: 'delighted:1003', score: 9 },
      { external_id: 'delighted:1004', score: 8 },
      { external_id: 'delighted:1009', score: 10 },
    ]);

    const unsubscribes = await glas(
      'import-delighted',
      '--workspace',
      workspaceId,
      '--type',
      'unsubscribes',
      '--file',
      path.join(fixtures, 'unsubscribes.csv'),
    );
    expect(JSON.parse(unsubscribes.stdout)).toMatchObject({ unsubscribes: 2, newContacts: 1 });
  });

  it('exits 2 with a message for bad arguments and files it cannot import', async () => {
    const workspaceId = '00000000-0000-4000-8000-000000000000';
    const noType = await glas('import-delighted', '--workspace', workspaceId, '--file', 'x.csv');
    const noFile = await glas(
      'import-delighted',
      '--workspace',
      workspaceId,
      '--type',
      'people',
      '--file',
      path.join(fixtures, 'missing.csv'),
    );
    const noWorkspace = await glas(
      'import-delighted',
      '--workspace',
      workspaceId,
      '--type',
      'people',
      '--file',
      path.join(fixtures, 'people.csv'),
    );

    expect(noType).toMatchObject({ code: 2, stdout: '' });
    expect(noType.stderr).toMatch(/--type: one of responses, people, unsubscribes, bounces/);
    expect(noFile.code).toBe(2);
    expect(noFile.stderr).toMatch(/--file: cannot read/);
    expect(noWorkspace.code).toBe(2);
    expect(noWorkspace.stderr).toMatch(/Workspace not found/);
  });
});
