import type { Generated, Json, JsonObject, NullableTimestamp, Timestamp } from './common';

export type InvitationStatus =
  | 'scheduled'
  | 'sending'
  | 'sent'
  | 'send_unknown'
  | 'failed'
  | 'bounced'
  | 'expired'
  | 'cancelled'
  | 'skipped';

export type ReminderStatus =
  'scheduled' | 'sending' | 'sent' | 'send_unknown' | 'failed' | 'bounced' | 'skipped';

export interface InvitationsTable {
  id: Generated<string>;
  workspace_id: string;
  survey_id: string;
  contact_id: string | null;
  event_id: string | null;
  /** SHA-256 (hex) of the survey link token; the token itself is never stored. */
  token_hash: string | null;
  status: InvitationStatus;
  skip_reason: string | null;
  locale: Generated<string>;
  segment: Json<JsonObject>;
  /** Per-invitation texts (emailSubject, emailIntro, thankYouBody, company) over the survey's. */
  text_overrides: Json<JsonObject | null>;
  send_at: Timestamp;
  expires_at: NullableTimestamp;
  attempts: Generated<number>;
  claimed_at: NullableTimestamp;
  /** Handed to SMTP: from here on the send is "maybe sent" and never retried by itself. */
  handed_at: NullableTimestamp;
  sent_at: NullableTimestamp;
  message_id: string | null;
  last_error: string | null;
  answered_at: NullableTimestamp;
  reminder_status: ReminderStatus | null;
  reminder_claimed_at: NullableTimestamp;
  reminder_handed_at: NullableTimestamp;
  reminder_sent_at: NullableTimestamp;
  reminder_skip_reason: string | null;
  created_at: Timestamp;
}
