import { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import type { Pool } from 'pg';
import { createDb } from '../db/client';
import type { Database } from '../db/schema';
import type { Clock } from './clock';
import { systemClock } from './clock';
import type { Config } from './config';
import type { Logger } from './logger';
import { createLogger } from './logger';
import { createMetrics } from './platform/prometheus';
import type { Metrics } from './platform/prometheus';
import { createQueues, queueConnection } from './jobs/queues';
import { registerQueueGauge, registerScheduleGauges } from './jobs/queue-metrics';
import type { Queues } from './jobs/queues';
import { emailHasher } from './platform/keyed-hash';
import { createApiKeyCache } from './workspaces/api-key-cache';
import type { ApiKeyCache } from './workspaces/api-key-cache';
import type { EmailHasher } from './platform/keyed-hash';
import { createDevMailboxMailer, createSmtpMailer, dkimFromConfig } from './platform/mailer';
import type { Mailer } from './platform/mailer';
import { httpsTextFetcher } from './platform/https-fetch';
import type { TextFetcher } from './platform/https-fetch';

export interface AppContext {
  config: Config;
  logger: Logger;
  db: Kysely<Database>;
  pool: Pool;
  /** Shared connection for health checks and rate limiting; BullMQ opens its own. */
  redis: Redis;
  queues: Queues;
  mailer: Mailer;
  clock: Clock;
  /** Keyed hash (GLAS_SECRET) of an email address, kept for erased people's suppressions. */
  hashEmail: EmailHasher;
  metrics: Metrics;
  /** API keys that authenticated, for API_KEY_CACHE_MS (revocations here evict at once). */
  apiKeys: ApiKeyCache;
  /** Fetches SNS signing certificates and subscription links (bounce webhooks from SES). */
  fetchSns: TextFetcher;
  /** Postgres schema when not the default (tests isolate each file in one). */
  dbSchema?: string;
  close(): Promise<void>;
}

export interface ContextOptions {
  dbSchema?: string;
  logger?: Logger;
  clock?: Clock;
  mailer?: Mailer;
  /** Tests serve their own SNS certificate from loopback. */
  fetchSns?: TextFetcher;
}

export function createContext(config: Config, options: ContextOptions = {}): AppContext {
  const logger = options.logger ?? createLogger(config.LOG_LEVEL);
  const { db, pool } = createDb(config.DATABASE_URL, {
    schema: options.dbSchema,
    max: config.DATABASE_POOL_MAX,
  });
  const redis = new Redis({
    ...queueConnection(config),
    // Fail fast instead of hanging a request while Redis is away (BullMQ production notes).
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    lazyConnect: false,
  });
  redis.on('error', (err) => logger.warn({ err: err.message }, 'redis connection error'));
  const queues = createQueues(config, logger);
  const mailer =
    options.mailer ??
    (config.SMTP_URL && !config.DEV_MAILBOX
      ? createSmtpMailer(
          config.SMTP_URL,
          config.MAIL_FROM,
          dkimFromConfig(config),
          config.SEND_CONCURRENCY,
        )
      : createDevMailboxMailer(db, config.MAIL_FROM));
  const metrics = createMetrics();
  registerQueueGauge(metrics.registry, queues);
  const clock = options.clock ?? systemClock;
  registerScheduleGauges(metrics.registry, { db, queues, clock });

  let closed = false;
  return {
    config,
    logger,
    db,
    pool,
    redis,
    queues,
    mailer,
    clock,
    hashEmail: emailHasher(config.GLAS_SECRET),
    metrics,
    apiKeys: createApiKeyCache(config.API_KEY_CACHE_MS, clock),
    fetchSns: options.fetchSns ?? httpsTextFetcher({ timeoutMs: 5_000, maxBytes: 65_536 }),
    dbSchema: options.dbSchema,
    async close() {
      if (closed) {
        return;
      }
      closed = true;
      await queues.close();
      mailer.close();
      redis.disconnect();
      await db.destroy();
    },
  };
}
