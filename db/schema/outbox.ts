import type { Generated, NullableTimestamp, Timestamp } from './common';

export type OutboxTopic = 'send-invitation' | 'send-reminder';

export interface OutboxTable {
  id: Generated<string>;
  workspace_id: string;
  topic: OutboxTopic;
  aggregate_id: string;
  available_at: Timestamp;
  created_at: Timestamp;
  published_at: NullableTimestamp;
}
