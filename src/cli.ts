import { parseArgs } from 'node:util';
import type { Kysely } from 'kysely';
import { createDb } from '../db/client';
import { ensureDatabase } from '../db/create-database';
import { migrateToLatest } from '../db/migrate';
import { ConfigError, loadConfig } from './config';
import { createWorkspace } from './surveys/workspace.service';

const USAGE = `usage: npm run --silent glas -- <command>

commands:
  create-workspace --name <name> [--json]   create a workspace and print its first admin API key
  migrate                                   create the database if needed and apply migrations
`;

async function run(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const config = loadConfig();
  if (command === 'migrate') {
    await ensureDatabase(config.DATABASE_URL);
    const { db } = createDb(config.DATABASE_URL, { max: 1 });
    try {
      const applied = await migrateToLatest(db as Kysely<unknown>);
      process.stdout.write(`applied ${applied.length} migration(s)\n`);
    } finally {
      await db.destroy();
    }
    return 0;
  }
  if (command === 'create-workspace') {
    const { values } = parseArgs({
      args: rest,
      options: { name: { type: 'string' }, json: { type: 'boolean', default: false } },
    });
    const name = values.name?.trim();
    if (!name || name.length > 200 || /[\r\n\0]/.test(name)) {
      process.stderr.write('--name is required (1–200 characters, one line)\n');
      return 2;
    }
    await ensureDatabase(config.DATABASE_URL);
    const { db } = createDb(config.DATABASE_URL, { max: 1 });
    try {
      await migrateToLatest(db as Kysely<unknown>);
      const created = await createWorkspace(db, { name });
      const out = {
        workspace: { id: created.workspace.id, name: created.workspace.name },
        apiKey: created.apiKey,
      };
      process.stdout.write(
        values.json
          ? `${JSON.stringify(out)}\n`
          : `workspace ${out.workspace.id} (${out.workspace.name})\nadmin API key (shown once): ${out.apiKey}\n`,
      );
    } finally {
      await db.destroy();
    }
    return 0;
  }
  process.stderr.write(USAGE);
  return command ? 2 : 0;
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(
      `${err instanceof ConfigError ? err.message : `error: ${err instanceof Error ? err.message : String(err)}`}\n`,
    );
    process.exit(1);
  },
);
