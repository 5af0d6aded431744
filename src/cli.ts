import { parseArgs } from 'node:util';
import type { Kysely } from 'kysely';
import { createDb } from '../db/client';
import { ensureDatabase } from '../db/create-database';
import { migrateToLatest } from '../db/migrate';
import { ConfigError, loadConfig } from './config';
import { systemClock } from './clock';
import { createUserBodySchema } from './workspaces/user.schemas';
import type { CreateUserBody } from './workspaces/user.schemas';
import { createUser } from './workspaces/user.service';
import { IMPORT_USAGE, runImportDelighted } from './delighted/import/import-cli';
import { createWorkspace } from './workspaces/workspace.service';
import { createDemoWorkspace, DEFAULT_DEMO_SEED, describeDemo } from './demo/demo.service';
import { emailHasher } from './platform/keyed-hash';
import { createLogger } from './logger';

const USAGE = `usage: npm run --silent glas -- <command>

commands:
  create-workspace --name <name> [--admin-email <email> --admin-password <password>] [--json]
                                            create a workspace and print its first admin API key;
                                            with --admin-email also its first dashboard admin
  create-user --workspace <id> --email <email> --password <password> [--role admin|manager|executive] [--json]
                                            add a dashboard user to a workspace (role: admin)
  demo [--seed <n>] [--name <name>] [--password <password>] [--json]
                                            create a demo workspace with thirteen months of history
                                            (seed ${DEFAULT_DEMO_SEED}) and print how to sign in
  migrate                                   create the database if needed and apply migrations
${IMPORT_USAGE}`;

/** Validates a user from flags with the dashboard's own schema; prints the problems and returns undefined. */
function userFromFlags(input: Record<string, unknown>): CreateUserBody | undefined {
  const parsed = createUserBodySchema.safeParse(input);
  if (parsed.success) {
    return parsed.data;
  }
  for (const issue of parsed.error.issues) {
    const flag = issue.path[0] === 'password' ? 'password' : String(issue.path[0] ?? 'user');
    process.stderr.write(`--${flag}: ${issue.message}\n`);
  }
  return undefined;
}

async function runDemo(args: string[], config: ReturnType<typeof loadConfig>): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      seed: { type: 'string' },
      name: { type: 'string' },
      password: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const seed = values.seed === undefined ? DEFAULT_DEMO_SEED : Number(values.seed);
  if (!Number.isSafeInteger(seed) || seed < 0) {
    process.stderr.write('--seed: a whole number, 0 or more\n');
    return 2;
  }
  const name = values.name?.trim();
  if (name !== undefined && (!name || name.length > 200 || /[\r\n\0]/.test(name))) {
    process.stderr.write('--name: 1–200 characters, one line\n');
    return 2;
  }
  if (
    values.password !== undefined &&
    !userFromFlags({ email: 'demo@glas.example', password: values.password, role: 'admin' })
  ) {
    return 2;
  }
  await ensureDatabase(config.DATABASE_URL);
  const { db } = createDb(config.DATABASE_URL, { max: 5 });
  try {
    await migrateToLatest(db as Kysely<unknown>);
    const started = Date.now();
    const result = await createDemoWorkspace(
      {
        db,
        config,
        hashEmail: emailHasher(config.GLAS_SECRET),
        logger: createLogger('silent'),
        now: systemClock.now(),
      },
      { seed, name, password: values.password },
    );
    process.stdout.write(
      values.json
        ? `${JSON.stringify(result)}\n`
        : describeDemo(result, config.PUBLIC_URL, Date.now() - started),
    );
  } finally {
    await db.destroy();
  }
  return 0;
}

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
      options: {
        name: { type: 'string' },
        json: { type: 'boolean', default: false },
        'admin-email': { type: 'string' },
        'admin-password': { type: 'string' },
      },
    });
    const name = values.name?.trim();
    if (!name || name.length > 200 || /[\r\n\0]/.test(name)) {
      process.stderr.write('--name is required (1–200 characters, one line)\n');
      return 2;
    }
    const wantsAdmin =
      values['admin-email'] !== undefined || values['admin-password'] !== undefined;
    const admin = wantsAdmin
      ? userFromFlags({
          email: values['admin-email'] ?? '',
          password: values['admin-password'] ?? '',
          role: 'admin',
        })
      : undefined;
    if (wantsAdmin && !admin) {
      return 2;
    }
    await ensureDatabase(config.DATABASE_URL);
    const { db } = createDb(config.DATABASE_URL, { max: 1 });
    try {
      await migrateToLatest(db as Kysely<unknown>);
      const created = await createWorkspace(db, { name });
      const user = admin
        ? await createUser(db, systemClock, created.workspace.id, admin)
        : undefined;
      const out = {
        workspace: { id: created.workspace.id, name: created.workspace.name },
        apiKey: created.apiKey,
        ...(user ? { admin: { id: user.id, email: user.email, role: user.role } } : {}),
      };
      process.stdout.write(
        values.json
          ? `${JSON.stringify(out)}\n`
          : `workspace ${out.workspace.id} (${out.workspace.name})\nadmin API key (shown once): ${out.apiKey}\n${user ? `dashboard admin: ${user.email} (sign in at ${config.PUBLIC_URL}/dashboard)\n` : ''}`,
      );
    } finally {
      await db.destroy();
    }
    return 0;
  }
  if (command === 'demo') {
    return runDemo(rest, config);
  }
  if (command === 'import-delighted') {
    return runImportDelighted(rest, config);
  }
  if (command === 'create-user') {
    const { values } = parseArgs({
      args: rest,
      options: {
        workspace: { type: 'string' },
        email: { type: 'string' },
        password: { type: 'string' },
        role: { type: 'string', default: 'admin' },
        json: { type: 'boolean', default: false },
      },
    });
    const workspaceId = values.workspace ?? '';
    if (!/^[0-9a-f-]{36}$/i.test(workspaceId)) {
      process.stderr.write('--workspace: the workspace id printed by create-workspace\n');
      return 2;
    }
    const input = userFromFlags({
      email: values.email ?? '',
      password: values.password ?? '',
      role: values.role,
    });
    if (!input) {
      return 2;
    }
    await ensureDatabase(config.DATABASE_URL);
    const { db } = createDb(config.DATABASE_URL, { max: 1 });
    try {
      await migrateToLatest(db as Kysely<unknown>);
      const user = await createUser(db, systemClock, workspaceId, input);
      process.stdout.write(
        values.json
          ? `${JSON.stringify({ user: { id: user.id, email: user.email, role: user.role } })}\n`
          : `user ${user.email} (${user.role}) added\n`,
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
