import type { Generated, Json, JsonObject, NullableTimestamp, Timestamp } from './common';

export interface ContactsTable {
  id: Generated<string>;
  workspace_id: string;
  email: string;
  /** E.164 number from the Delighted-compatible API; unique per workspace when set. */
  phone_number: string | null;
  external_id: string | null;
  name: string | null;
  locale: string | null;
  time_zone: string | null;
  properties: Json<JsonObject>;
  unsubscribed_at: NullableTimestamp;
  bounced_at: NullableTimestamp;
  bounce_reason: string | null;
  /** Where the unsubscribe came from: one_click, api. */
  unsubscribe_source: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}
