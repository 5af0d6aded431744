import type { Generated, Json, Timestamp } from './common';

export type WebhookFormat = 'glas' | 'delighted';

export type WebhookEvent =
  | 'response.created'
  | 'response.updated'
  | 'followup.created'
  // Delighted's names, for webhooks in the `delighted` format.
  | 'survey_response.created'
  | 'survey_response.updated'
  | 'unsubscribe.created';

export interface WebhooksTable {
  id: Generated<string>;
  workspace_id: string;
  url: string;
  events: Json<WebhookEvent[]>;
  /** Signing secret; shown once at creation, kept because every delivery needs it to sign. */
  secret: string;
  description: string | null;
  /** `delighted`: bodies shaped as Delighted's webhooks ({event_type, event_id, event_data}). */
  format: Generated<WebhookFormat>;
  created_at: Timestamp;
}
