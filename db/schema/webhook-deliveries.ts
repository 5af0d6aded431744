import type { Generated, Json, JsonObject, NullableTimestamp, Timestamp } from './common';
import type { WebhookEvent } from './webhooks';

export type DeliveryStatus = 'pending' | 'succeeded' | 'failed';

export interface WebhookDeliveriesTable {
  id: Generated<string>;
  workspace_id: string;
  webhook_id: string;
  event: WebhookEvent;
  payload: Json<JsonObject>;
  status: Generated<DeliveryStatus>;
  attempts: Generated<number>;
  last_status_code: number | null;
  last_error: string | null;
  replay_of: string | null;
  delivered_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}
