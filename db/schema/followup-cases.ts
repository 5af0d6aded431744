import type { Generated, NullableTimestamp, Timestamp } from './common';

export type FollowupStatus = 'open' | 'contacted' | 'resolved';

export interface FollowupCasesTable {
  id: Generated<string>;
  workspace_id: string;
  survey_id: string;
  response_id: string;
  contact_id: string | null;
  rule_id: string | null;
  owner_email: string | null;
  owner_name: string | null;
  score: number;
  status: Generated<FollowupStatus>;
  due_at: Timestamp;
  contacted_at: NullableTimestamp;
  resolved_at: NullableTimestamp;
  alert_sent_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}
