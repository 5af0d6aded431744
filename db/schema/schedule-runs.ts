import type { NullableTimestamp, Timestamp } from './common';

/** Watchdog record of a job scheduler: registered by the scheduler role, touched on every run. */
export interface ScheduleRunsTable {
  schedule_id: string;
  interval_seconds: number;
  registered_at: Timestamp;
  last_run_at: NullableTimestamp;
}
