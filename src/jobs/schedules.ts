import type { AppContext } from '../context';
import type { MaintenanceTask } from './queues';

interface Schedule {
  id: string;
  pattern: string;
  task: MaintenanceTask;
}

/** Every job scheduler Glas runs. Upserting by fixed id makes a second scheduler process harmless. */
export const SCHEDULES: readonly Schedule[] = [
  { id: 'reconcile-invitations', pattern: '*/2 * * * *', task: 'reconcile-invitations' },
  { id: 'schedule-reminders', pattern: '*/10 * * * *', task: 'schedule-reminders' },
  { id: 'sweep-collector', pattern: '* * * * *', task: 'sweep-collector' },
  // Delighted Autopilot: survey requests for memberships that fell due.
  { id: 'autopilot', pattern: '*/5 * * * *', task: 'autopilot' },
];

export async function upsertSchedules(ctx: AppContext): Promise<void> {
  const queue = ctx.queues.get('maintenance');
  for (const s of SCHEDULES) {
    await queue.upsertJobScheduler(
      s.id,
      { pattern: s.pattern, tz: 'UTC' },
      { name: s.task, data: { task: s.task } },
    );
  }
}
