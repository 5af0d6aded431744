import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';

/** How many intervals a schedule may miss before readiness fails. */
export const MISSED_INTERVALS = 3;

/**
 * Called by the scheduler role on start-up; a second scheduler only refreshes the interval.
 * A schedule that a release retired is forgotten, so readiness never waits for it.
 */
export async function registerScheduleRuns(
  db: Kysely<Database>,
  schedules: readonly { id: string; intervalSeconds: number }[],
  now: Date,
): Promise<void> {
  if (schedules.length === 0) {
    return;
  }
  await db
    .deleteFrom('schedule_runs')
    .where(
      'schedule_id',
      'not in',
      schedules.map((s) => s.id),
    )
    .execute();
  await db
    .insertInto('schedule_runs')
    .values(
      schedules.map((s) => ({
        schedule_id: s.id,
        interval_seconds: s.intervalSeconds,
        registered_at: now,
      })),
    )
    .onConflict((oc) =>
      oc.column('schedule_id').doUpdateSet({
        interval_seconds: sql`excluded.interval_seconds`,
        // A schedule that had been gone for long gets a fresh grace period.
        registered_at: sql`greatest(schedule_runs.registered_at, coalesce(schedule_runs.last_run_at, excluded.registered_at))`,
      }),
    )
    .execute();
}

/** Called by every scheduled job when it starts. */
export async function recordScheduleRun(
  db: Kysely<Database>,
  scheduleId: string,
  now: Date,
): Promise<void> {
  await db
    .updateTable('schedule_runs')
    .set({ last_run_at: now })
    .where('schedule_id', '=', scheduleId)
    .where((eb) => eb.or([eb('last_run_at', 'is', null), eb('last_run_at', '<', now)]))
    .execute();
}

export interface StaleSchedule {
  scheduleId: string;
  lastRunAt: string | null;
  intervalSeconds: number;
}

/** Schedules that have not fired within MISSED_INTERVALS × their interval. */
export async function findStaleSchedules(
  db: Kysely<Database>,
  now: Date,
): Promise<StaleSchedule[]> {
  const rows = await db.selectFrom('schedule_runs').selectAll().orderBy('schedule_id').execute();
  return rows
    .filter((r) => {
      const since = (r.last_run_at ?? r.registered_at).getTime();
      return now.getTime() - since > MISSED_INTERVALS * r.interval_seconds * 1000;
    })
    .map((r) => ({
      scheduleId: r.schedule_id,
      lastRunAt: r.last_run_at?.toISOString() ?? null,
      intervalSeconds: r.interval_seconds,
    }));
}

/** The schedules a scheduler role registered; any of them missing from Redis has stopped. */
export async function findRegisteredScheduleIds(db: Kysely<Database>): Promise<string[]> {
  const rows = await db.selectFrom('schedule_runs').select('schedule_id').execute();
  return rows.map((r) => r.schedule_id);
}
