import { createHash, timingSafeEqual } from 'node:crypto';
import { Router } from 'express';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { pendingMigrations } from '../../../db/migrate';
import type { AppContext } from '../../context';
import { findMissingSchedules } from '../../jobs/schedules';
import { findStaleSchedules } from '../../platform/schedule-runs.service';

async function check(fn: () => Promise<unknown>, timeoutMs = 2000): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timed out')), timeoutMs);
    });
    const result = await Promise.race([fn(), timeout]);
    return typeof result === 'string' ? result : 'ok';
  } catch (err) {
    return err instanceof Error ? err.message : 'failed';
  } finally {
    clearTimeout(timer);
  }
}

/** Constant-time comparison of two strings of any length. */
function safeEqual(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}

export function healthRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const checks = {
      postgres: await check(() => sql`select 1`.execute(ctx.db)),
      redis: await check(async () => {
        const pong = await ctx.redis.ping();
        return pong === 'PONG' ? 'ok' : pong;
      }),
      migrations: await check(async () => {
        const pending = await pendingMigrations(ctx.db as Kysely<unknown>, ctx.dbSchema);
        return pending.length ? `pending: ${pending.join(', ')}` : 'ok';
      }),
      schedules: await check(async () => {
        const missing = await findMissingSchedules(ctx);
        const stale = await findStaleSchedules(ctx.db, ctx.clock.now());
        if (missing.length === 0 && stale.length === 0) {
          return 'ok';
        }
        ctx.logger.error({ missing, stale }, 'job schedules stopped firing');
        return [
          missing.length ? `missing in Redis: ${missing.join(', ')}` : '',
          stale.length
            ? `not fired within 3 intervals: ${stale.map((s) => s.scheduleId).join(', ')}`
            : '',
        ]
          .filter(Boolean)
          .join('; ');
      }),
    };
    const ready = Object.values(checks).every((c) => c === 'ok');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unavailable', checks });
  });
  router.get('/metrics', async (req, res) => {
    const token = ctx.config.METRICS_TOKEN;
    if (token && !safeEqual(req.get('authorization') ?? '', `Bearer ${token}`)) {
      res
        .status(401)
        .json({ error: { code: 'unauthorized', message: 'A metrics token is required.' } });
      return;
    }
    res.type(ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics());
  });
  return router;
}
