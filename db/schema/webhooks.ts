import type { Generated, Json, Timestamp } from './common';

export type WebhookEvent = 'response.created' | 'response.updated' | 'followup.created';

export interface WebhooksTable {
  id: Generated<string>;
  workspace_id: string;
  url: string;
  events: Json<WebhookEvent[]>;
  /** Signing secret; shown once at creation, kept because every delivery needs it to sign. */
  secret: string;
  description: string | null;
  created_at: Timestamp;
}
