import type { Generated, Timestamp } from './common';

export type HelpdeskProvider =
  'zendesk' | 'chatwoot' | 'zammad' | 'freshdesk' | 'intercom' | 'hubspot' | 'freescout';

/** A helpdesk allowed to turn its solved tickets into events for a workspace. */
export interface HelpdeskSourcesTable {
  id: Generated<string>;
  workspace_id: string;
  provider: HelpdeskProvider;
  /**
   * Sealed (secret-box.ts): Zendesk's signing secret, Zammad's HMAC token, or the token that
   * Chatwoot and Freshdesk calls carry in their URL.
   */
  secret: string;
  /** The event type each solved ticket becomes (surveys trigger on it). */
  event_type: Generated<string>;
  created_at: Timestamp;
  updated_at: Timestamp;
}
