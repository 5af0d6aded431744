import type { Generated, NullableTimestamp, Timestamp } from './common';

/** What a row asks the relay to enqueue; `aggregate_id` is the invitation, delivery or case. */
export type OutboxTopic =
  'send-invitation' | 'send-reminder' | 'webhook-delivery' | 'followup-alert' | 'chat-alert';

export interface OutboxTable {
  id: Generated<string>;
  workspace_id: string;
  topic: OutboxTopic;
  aggregate_id: string;
  available_at: Timestamp;
  created_at: Timestamp;
  published_at: NullableTimestamp;
}
