import type { Generated, Json, JsonObject, NullableTimestamp, Timestamp } from './common';

export interface ContactsTable {
  id: Generated<string>;
  workspace_id: string;
  email: string;
  external_id: string | null;
  name: string | null;
  locale: string | null;
  time_zone: string | null;
  properties: Json<JsonObject>;
  unsubscribed_at: NullableTimestamp;
  bounced_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}
