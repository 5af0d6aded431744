import type { Generated, Timestamp } from './common';

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
  created_at: Timestamp;
}
