import type { Generated, Json, JsonObject, NullableTimestamp, Timestamp } from './common';
import type { DeliveryStatus } from './webhook-deliveries';

export type ChatPlatform = 'slack' | 'teams';

/** Which answers post to a Slack or Teams channel through its incoming webhook. */
export interface ChatAlertRulesTable {
  id: Generated<string>;
  workspace_id: string;
  platform: ChatPlatform;
  name: string;
  /** The incoming webhook URL, sealed (secret-box.ts): whoever has it can post to the channel. */
  url: string;
  /** Host and last characters of the URL, to tell rules apart without revealing it. */
  url_hint: string;
  /** Empty: every survey. */
  survey_ids: Json<string[]>;
  min_score: number | null;
  max_score: number | null;
  only_with_comment: Generated<boolean>;
  /** Segment property → value; every pair must match. */
  segment: Json<Record<string, string>>;
  created_at: Timestamp;
}

export interface ChatAlertDeliveriesTable {
  id: Generated<string>;
  workspace_id: string;
  rule_id: string;
  response_id: string | null;
  is_test: Generated<boolean>;
  /** The Block Kit or Adaptive Card message, as posted. */
  payload: Json<JsonObject>;
  status: Generated<DeliveryStatus>;
  attempts: Generated<number>;
  last_status_code: number | null;
  last_error: string | null;
  delivered_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}
