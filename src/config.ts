import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const roles = z
  .string()
  .transform((s) =>
    s
      .split(',')
      .map((r) => r.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.enum(['api', 'worker', 'scheduler'])).min(1, 'name at least one role'));

/** Every environment variable Glas reads; `.env.example` documents each (a unit test checks). */
export const configShape = {
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  DATABASE_URL: z
    .url({ protocol: /^postgres(ql)?$/ })
    .default('postgres://postgres@127.0.0.1:5432/glas'),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).default('redis://127.0.0.1:6379'),
  // `{glas}` (a Redis Cluster hash tag) keeps every key of every queue in one slot.
  REDIS_PREFIX: z
    .string()
    .regex(
      /^(\{[a-zA-Z0-9_-]+\}|[a-zA-Z0-9_-]+)$/,
      'letters, digits, - and _ only, optionally in braces as a cluster hash tag: {glas}',
    )
    .default('glas'),
  GLAS_ROLES: roles.default(['api', 'worker', 'scheduler']),
  GLAS_DEMO: bool.default(false),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
  MAIL_FROM: z.string().min(3).default('Glas Surveys <surveys@glas.localhost>'),
  DEV_MAILBOX: bool.optional(),
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(10_485_760).default(1_048_576),
  IMPORT_MAX_BYTES: z.coerce.number().int().min(1024).max(10_737_418_240).default(104_857_600),
  TRUST_PROXY: bool.default(false),
  // How long an authenticated API key is answered from memory; 0 looks it up on every request.
  API_KEY_CACHE_MS: z.coerce.number().int().min(0).max(1000).default(1000),
  RATE_LIMIT_API_PER_MINUTE: z.coerce.number().int().min(1).default(1200),
  RATE_LIMIT_SURVEY_PER_MINUTE: z.coerce.number().int().min(1).default(60),
  RATE_LIMIT_SURVEY_TOKEN_PER_MINUTE: z.coerce.number().int().min(1).default(30),
  // Delighted-compatible API (issue 8): its own rate limit, and HTTPS served by Glas itself.
  RATE_LIMIT_V1_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  TLS_CERT_FILE: z.string().min(1).optional(),
  TLS_KEY_FILE: z.string().min(1).optional(),
  OUTBOX_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(1000),
  SCHEDULE_CHECK_MS: z.coerce.number().int().min(50).max(3_600_000).default(30_000),
  SEND_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(5),
  SEND_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  SEND_BACKOFF_MS: z.coerce.number().int().min(1).default(60_000),
  COMMENT_MAX_LENGTH: z.coerce.number().int().min(1).max(100_000).default(5000),
  // Collector (issue 4): scanner detection, webhooks, closed loop.
  SCANNER_WINDOW_SECONDS: z.coerce.number().int().min(1).max(3600).default(10),
  WEBHOOK_ALLOW_PRIVATE_URLS: bool.default(false),
  WEBHOOK_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  WEBHOOK_BACKOFF_MS: z.coerce.number().int().min(1).default(30_000),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  FOLLOWUP_DEFAULT_SLA_HOURS: z.coerce.number().int().min(1).max(8760).default(48),
  // Dashboard (issue 7): cookie sessions and sign-in throttling.
  SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(43_200).default(120),
  SESSION_ABSOLUTE_HOURS: z.coerce.number().int().min(1).max(8760).default(12),
  SIGNIN_ATTEMPTS_PER_15_MIN: z.coerce.number().int().min(1).max(10_000).default(10),
  METRICS_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
  SEND_GIVE_UP_HOURS: z.coerce.number().int().min(1).max(720).default(72),
  SEND_UNKNOWN_AFTER_MS: z.coerce.number().int().min(1000).default(600_000),
  RECONCILE_OVERDUE_MS: z.coerce.number().int().min(0).default(300_000),
  // A claim not handed to SMTP within this long lost its worker; the reconciler sends it again.
  SEND_CLAIM_LEASE_MS: z.coerce.number().int().min(1000).default(60_000),
  // Seconds between reconciler runs: a divisor of 60 below a minute, else whole minutes.
  RECONCILE_INTERVAL_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .max(1800)
    .refine((s) => (s < 60 ? 60 % s === 0 : s % 60 === 0 && 60 % (s / 60) === 0), {
      message: 'must divide a minute (1–30 s) or an hour in whole minutes (60–1800 s)',
    })
    .default(120),
  WORKER_LOCK_MS: z.coerce.number().int().min(1000).default(30_000),
  WORKER_STALLED_INTERVAL_MS: z.coerce.number().int().min(500).default(30_000),
  // Key for keyed hashes of erased or anonymized email addresses (and report share links).
  GLAS_SECRET: z.string().min(32, 'at least 32 characters').optional(),
  DKIM_DOMAIN: z
    .string()
    .regex(/^[A-Za-z0-9.-]+$/, 'a domain name')
    .optional(),
  DKIM_SELECTOR: z
    .string()
    .regex(/^[A-Za-z0-9._-]+$/, 'a DKIM selector')
    .optional(),
  DKIM_PRIVATE_KEY: z.string().min(1).optional(),
  DKIM_PRIVATE_KEY_FILE: z.string().min(1).optional(),
};

export const configSchema = z
  .object(configShape)
  .transform((c) => ({
    ...c,
    PUBLIC_URL: (c.PUBLIC_URL ?? `http://localhost:${c.PORT}`).replace(/\/+$/, ''),
    // Without SMTP the mail stays in the dev mailbox, never in production.
    DEV_MAILBOX: c.DEV_MAILBOX ?? (!c.SMTP_URL && c.NODE_ENV !== 'production'),
    // NOTE: a fixed development key; production refuses to start without its own ('' fails below).
    GLAS_SECRET:
      c.GLAS_SECRET ??
      (c.NODE_ENV === 'production' ? '' : 'glas-development-secret-do-not-use-in-production'),
  }))
  .refine((c) => c.NODE_ENV !== 'production' || c.GLAS_SECRET !== '', {
    path: ['GLAS_SECRET'],
    message: 'is required when NODE_ENV=production',
  })
  .refine((c) => c.NODE_ENV !== 'production' || !!c.SMTP_URL, {
    path: ['SMTP_URL'],
    message: 'is required when NODE_ENV=production',
  })
  .refine((c) => !c.TLS_CERT_FILE === !c.TLS_KEY_FILE, {
    path: ['TLS_KEY_FILE'],
    message: 'and TLS_CERT_FILE must be set together',
  })
  .refine((c) => !c.DKIM_DOMAIN || !!c.DKIM_SELECTOR, {
    path: ['DKIM_SELECTOR'],
    message: 'is required when DKIM_DOMAIN is set',
  })
  .refine((c) => !c.DKIM_DOMAIN || !!(c.DKIM_PRIVATE_KEY ?? c.DKIM_PRIVATE_KEY_FILE), {
    path: ['DKIM_PRIVATE_KEY'],
    message: 'or DKIM_PRIVATE_KEY_FILE is required when DKIM_DOMAIN is set',
  })
  .refine((c) => !(c.NODE_ENV === 'production' && c.DEV_MAILBOX), {
    path: ['DEV_MAILBOX'],
    message: 'cannot be enabled when NODE_ENV=production',
  });

export type Config = Readonly<z.output<typeof configSchema>>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the environment; a bad value throws a ConfigError naming each variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const input = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v !== ''),
  );
  const result = configSchema.safeParse(input);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  return Object.freeze(result.data);
}
