import type { Generated, NullableTimestamp, Timestamp } from './common';

export interface WorkspacesTable {
  id: Generated<string>;
  name: string;
  time_zone: Generated<string>;
  default_locale: Generated<string>;
  company_name: string | null;
  quiet_period_days: Generated<number>;
  daily_send_quota: number | null;
  /** Survey that Delighted-compatible /v1 survey requests use; null = oldest active NPS survey. */
  delighted_survey_id: string | null;
  executive_recipients: Generated<string[]>;
  manager_recipients: Generated<string[]>;
  /** Day of the month (1–28) the monthly report goes out, at report_hour local time. */
  monthly_report_day: Generated<number>;
  /** ISO weekday (1 = Monday) the weekly report goes out. */
  weekly_report_weekday: Generated<number>;
  report_hour: Generated<number>;
  /** Months after which personal data is anonymized; null keeps it. */
  retention_months: number | null;
  /** Set when the time zone changed; the merge-rollups task rebuilds the rollups, then clears it. */
  rollups_rebuild_requested_at: NullableTimestamp;
  created_at: Timestamp;
}
