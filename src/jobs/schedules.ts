import type { Config } from '../config';
import type { AppContext } from '../context';
import { findRegisteredScheduleIds, registerScheduleRuns } from '../platform/schedule-runs.service';
import type { MaintenanceTask } from './queues';

interface Schedule {
  id: string;
  pattern: string;
  task: MaintenanceTask;
  /** Seconds between runs; the /readyz watchdog fails after three missed intervals. */
  intervalSeconds: number;
}

/** Every job scheduler Glas runs. Upserting by fixed id makes a second scheduler process harmless. */
export const SCHEDULES: readonly Schedule[] = [
  {
    id: 'reconcile-invitations',
    pattern: '*/2 * * * *',
    task: 'reconcile-invitations',
    intervalSeconds: 120,
  },
  {
    id: 'schedule-reminders',
    pattern: '*/10 * * * *',
    task: 'schedule-reminders',
    intervalSeconds: 600,
  },
  // Six fields: seconds first. Readers add unmerged deltas, so this only bounds the delta table.
  { id: 'merge-rollups', pattern: '*/15 * * * * *', task: 'merge-rollups', intervalSeconds: 15 },
  // Anonymizes personal data past each workspace's retention period, nightly.
  { id: 'retention', pattern: '30 3 * * *', task: 'retention', intervalSeconds: 86_400 },
  // Deletes dashboard sessions past their idle or absolute expiry (they no longer sign anyone in).
  { id: 'purge-sessions', pattern: '17 * * * *', task: 'purge-sessions', intervalSeconds: 3_600 },
  // Deletes outbox rows published more than a week ago (the relay's table would only grow).
  { id: 'purge-outbox', pattern: '47 * * * *', task: 'purge-outbox', intervalSeconds: 3_600 },
  // Finds workspaces whose monthly/weekly report fell due (their local day and hour) and sends it.
  { id: 'report-tick', pattern: '*/15 * * * *', task: 'report-tick', intervalSeconds: 900 },
  // Delighted Autopilot: survey requests for memberships that fell due.
  { id: 'autopilot', pattern: '*/5 * * * *', task: 'autopilot', intervalSeconds: 300 },
  // Metric alerts: score thresholds, significant drops and low volume, with their recoveries.
  { id: 'metric-alerts', pattern: '*/15 * * * *', task: 'metric-alerts', intervalSeconds: 900 },
];

/**
 * The schedules with this deployment's reconciler interval (RECONCILE_INTERVAL_SECONDS): how
 * soon a send lost with a worker or a Redis is repaired. Whole minutes use a five-field cron,
 * shorter intervals a six-field one (seconds first).
 */
export function schedulesFor(config: Pick<Config, 'RECONCILE_INTERVAL_SECONDS'>): Schedule[] {
  const seconds = config.RECONCILE_INTERVAL_SECONDS;
  const pattern = seconds % 60 === 0 ? `*/${seconds / 60} * * * *` : `*/${seconds} * * * * *`;
  return SCHEDULES.map((s) =>
    s.id === 'reconcile-invitations' ? { ...s, pattern, intervalSeconds: seconds } : s,
  );
}

export async function upsertSchedules(ctx: AppContext): Promise<void> {
  const schedules = schedulesFor(ctx.config);
  await registerScheduleRuns(ctx.db, schedules, ctx.clock.now());
  const queue = ctx.queues.get('maintenance');
  // A scheduler that a release retired would keep firing a task nobody handles.
  const known = new Set(schedules.map((s) => s.id));
  for (const old of await queue.getJobSchedulers()) {
    if (old.key && !known.has(old.key)) {
      await queue.removeJobScheduler(old.key);
    }
  }
  for (const s of schedules) {
    await upsertOne(ctx, s);
  }
}

async function upsertOne(ctx: Pick<AppContext, 'queues'>, s: Schedule): Promise<void> {
  await ctx.queues
    .get('maintenance')
    .upsertJobScheduler(
      s.id,
      { pattern: s.pattern, tz: 'UTC' },
      { name: s.task, data: { task: s.task } },
    );
}

/**
 * Registered schedules whose job scheduler is not in Redis: a Redis that restarted without
 * persistence, or was flushed, forgets them, and nothing would fire again.
 */
export async function findMissingSchedules(
  ctx: Pick<AppContext, 'db' | 'queues'>,
): Promise<string[]> {
  const registered = await findRegisteredScheduleIds(ctx.db);
  if (registered.length === 0) {
    return [];
  }
  const present = new Set(
    (await ctx.queues.get('maintenance').getJobSchedulers()).map((j) => j.key),
  );
  return registered.filter((id) => !present.has(id)).sort();
}

/** Re-creates the schedules Redis forgot; idempotent, so two scheduler processes may race. */
export async function ensureSchedules(
  ctx: Pick<AppContext, 'db' | 'queues' | 'config'>,
): Promise<string[]> {
  const missing = new Set(await findMissingSchedules(ctx));
  const recreated = schedulesFor(ctx.config).filter((s) => missing.has(s.id));
  for (const s of recreated) {
    await upsertOne(ctx, s);
  }
  return recreated.map((s) => s.id);
}

export interface ScheduleKeeper {
  stop(): Promise<void>;
}

/**
 * The scheduler role: upserts every schedule at start, then keeps them. Each time the Redis
 * connection becomes ready again (a restart may have lost everything) and every
 * SCHEDULE_CHECK_MS (a flush emits no event), it re-creates the schedules that are missing.
 */
export async function startScheduleKeeper(ctx: AppContext): Promise<ScheduleKeeper> {
  await upsertSchedules(ctx);
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const heal = (why: string) => {
    running = running
      .then(async () => {
        const recreated = await ensureSchedules(ctx);
        if (recreated.length > 0) {
          ctx.logger.warn({ recreated, why }, 'job schedules re-created');
        }
      })
      .catch((err: unknown) => {
        ctx.logger.warn(
          { err: err instanceof Error ? err.message : String(err), why },
          'job schedules could not be checked; retrying',
        );
        // The queue's own connection may come back a moment after this one.
        if (!stopped) {
          clearTimeout(retry);
          retry = setTimeout(() => heal(why), 1000);
          retry.unref();
        }
      });
  };
  const onReady = () => heal('redis reconnected');
  ctx.redis.on('ready', onReady);
  const timer = setInterval(() => heal('periodic check'), ctx.config.SCHEDULE_CHECK_MS);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      clearTimeout(retry);
      ctx.redis.off('ready', onReady);
      await running;
    },
  };
}
