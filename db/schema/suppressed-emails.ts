import type { Timestamp } from './common';

/** A suppression that outlives an erased contact: SHA-256 of the lower-cased address only. */
export interface SuppressedEmailsTable {
  workspace_id: string;
  email_hash: string;
  reason: 'unsubscribed' | 'bounced';
  created_at: Timestamp;
}
