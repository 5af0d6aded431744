import type { Kysely } from 'kysely';
import { ensureDatabase } from '../db/create-database';
import { migrateToLatest } from '../db/migrate';
import { ConfigError, loadConfig } from './config';
import { createContext } from './context';
import { createLogger } from './logger';
import { startRoles } from './roles';
import { createDemoIfEmpty, describeDemo } from './demo/demo.service';
import { issueSetupToken } from './workspaces/setup.service';
import type { AppContext } from './context';

/** GLAS_DEMO=1 on an empty database: the demo workspace, made before anyone can sign in. */
async function startDemo(ctx: AppContext): Promise<void> {
  ctx.logger.info('GLAS_DEMO: creating the demo workspace if the database has none');
  const started = Date.now();
  const result = await createDemoIfEmpty({
    db: ctx.db,
    config: ctx.config,
    hashEmail: ctx.hashEmail,
    logger: ctx.logger,
    now: ctx.clock.now(),
  });
  if (!result) {
    ctx.logger.info('GLAS_DEMO is set but a workspace exists; no demo created');
    return;
  }
  // NOTE: stdout, not the logger: the logger strips email addresses, and these are the sign-in.
  process.stdout.write(describeDemo(result, ctx.config.PUBLIC_URL, Date.now() - started));
}

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL);
  if (await ensureDatabase(config.DATABASE_URL)) {
    logger.info('database created');
  }
  const ctx = createContext(config, { logger });
  const applied = await migrateToLatest(ctx.db as Kysely<unknown>);
  if (applied.length) {
    logger.info({ migrations: applied }, 'migrations applied');
  }
  if (config.GLAS_DEMO) {
    await startDemo(ctx);
  }
  const setupToken = config.GLAS_ROLES.includes('api')
    ? await issueSetupToken(ctx.db, ctx.clock)
    : null;
  const running = await startRoles(ctx);
  logger.info(
    { roles: config.GLAS_ROLES, url: running.url },
    `Glas is running${running.url ? ` at ${running.url}` : ''}`,
  );
  if (setupToken) {
    logger.warn(
      `No workspace yet: open ${config.PUBLIC_URL}/dashboard/setup and enter this one-time setup token: ${setupToken}`,
    );
  }

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) {
      return;
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.error('shutdown timed out; exiting');
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS);
    force.unref();
    running.stop().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
  } else {
    process.stderr.write(
      `Glas failed to start: ${err instanceof Error ? err.message : String(err)}\n`,
    );
  }
  process.exit(1);
});
