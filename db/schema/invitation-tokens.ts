import type { Timestamp } from './common';

/** Link tokens minted after the first one (reminders); the first stays on invitations.token_hash. */
export interface InvitationTokensTable {
  /** SHA-256 (hex) of the token; the token itself is never stored. */
  token_hash: string;
  workspace_id: string;
  invitation_id: string;
  /** `resent`: the first link of an invitation an operator sent again (it may have arrived). */
  purpose: 'reminder' | 'resent';
  created_at: Timestamp;
}
