import type { Generated, Json, JsonObject, Timestamp } from './common';

export type ReportKind = 'monthly' | 'weekly';
export type ReportTrigger = 'schedule' | 'api';

/** A generated report; unique per (workspace_id, kind, period_start). */
export interface ReportsTable {
  id: Generated<string>;
  workspace_id: string;
  kind: ReportKind;
  /** First and last local day of the period, in the workspace time zone. */
  period_start: string;
  period_end: string;
  trigger: ReportTrigger;
  content: Json<JsonObject>;
  created_at: Timestamp;
}
