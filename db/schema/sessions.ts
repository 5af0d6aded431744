import type { Generated, Timestamp } from './common';

export interface SessionsTable {
  id: Generated<string>;
  workspace_id: string;
  user_id: string;
  /** SHA-256 of the cookie value; the value itself is never stored. */
  token_hash: string;
  /** Synchronizer token every dashboard form carries back. */
  csrf_token: string;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  /** Absolute expiry; the idle expiry is last_seen_at + SESSION_IDLE_MINUTES. */
  expires_at: Date;
}
