import type { Generated, Timestamp } from './common';

export type BounceProvider = 'postmark' | 'mailgun' | 'sendgrid' | 'ses';

/** A mail provider allowed to report bounces and complaints for a workspace. */
export interface BounceSourcesTable {
  id: Generated<string>;
  workspace_id: string;
  provider: BounceProvider;
  /**
   * Sealed (secret-box.ts): Postmark's basic-auth password, Mailgun's webhook signing key or
   * SendGrid's verification key. Null for SES, whose calls SNS signs with Amazon's certificate.
   */
  secret: string | null;
  /** SES only: the SNS topic whose messages are accepted. */
  topic_arn: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** A provider event that suppressed addresses, kept once by the provider's own id. */
export interface BounceEventsTable {
  id: Generated<string>;
  workspace_id: string;
  provider: BounceProvider;
  provider_event_id: string;
  kind: 'bounce' | 'complaint';
  /** The provider's classification, e.g. `HardBounce`, `Permanent/General`, `abuse`. */
  detail: string;
  /** How many addresses the event named. No address is kept here (erasure stays simple). */
  recipients: number;
  created_at: Timestamp;
}
