import type { Generated, Json, JsonObject, Timestamp } from './common';

export interface EventsTable {
  id: Generated<string>;
  workspace_id: string;
  type: string;
  contact_id: string | null;
  properties: Json<JsonObject>;
  idempotency_key: string | null;
  request_hash: string | null;
  response_status: number | null;
  response_body: Json<JsonObject | null>;
  occurred_at: Timestamp;
  created_at: Timestamp;
}
