import type { Generated, NullableTimestamp, Timestamp } from './common';

export type ReportDeliveryStatus = 'claimed' | 'sent' | 'failed';

/** One email of a report to one recipient; claimed before the send (unique per report and recipient). */
export interface ReportDeliveriesTable {
  id: Generated<string>;
  workspace_id: string;
  report_id: string;
  recipient: string;
  status: ReportDeliveryStatus;
  attempts: Generated<number>;
  message_id: string | null;
  last_error: string | null;
  claimed_at: Timestamp;
  sent_at: NullableTimestamp;
}
