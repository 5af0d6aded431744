import type { AppContext } from '../context';
import { registerScheduleRuns } from '../platform/schedule-runs.service';
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
  // Finds workspaces whose monthly/weekly report fell due (their local day and hour) and sends it.
  { id: 'report-tick', pattern: '*/15 * * * *', task: 'report-tick', intervalSeconds: 900 },
  // Delighted Autopilot: survey requests for memberships that fell due.
  { id: 'autopilot', pattern: '*/5 * * * *', task: 'autopilot', intervalSeconds: 300 },
];

export async function upsertSchedules(ctx: AppContext): Promise<void> {
  await registerScheduleRuns(ctx.db, SCHEDULES, ctx.clock.now());
  const queue = ctx.queues.get('maintenance');
  // A scheduler that a release retired would keep firing a task nobody handles.
  const known = new Set(SCHEDULES.map((s) => s.id));
  for (const old of await queue.getJobSchedulers()) {
    if (old.key && !known.has(old.key)) {
      await queue.removeJobScheduler(old.key);
    }
  }
  for (const s of SCHEDULES) {
    await queue.upsertJobScheduler(
      s.id,
      { pattern: s.pattern, tz: 'UTC' },
      { name: s.task, data: { task: s.task } },
    );
  }
}
