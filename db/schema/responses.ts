import type { Generated, Json, JsonObject, NullableTimestamp, Timestamp } from './common';

/** `provisional`: reached only by a link fetch; `counted`: confirmed by a human signal or imported. */
export type ResponseStatus = 'provisional' | 'counted';
export type ConfirmedVia = 'form' | 'page' | 'review' | 'import';
export type FlagReason = 'scanner_burst' | 'honeypot' | 'manual';

export interface ResponsesTable {
  id: Generated<string>;
  workspace_id: string;
  survey_id: string;
  invitation_id: string | null;
  contact_id: string | null;
  score: number;
  comment: string | null;
  locale: Generated<string>;
  segment: Json<JsonObject>;
  source: Generated<string>;
  status: Generated<ResponseStatus>;
  confirmed_at: NullableTimestamp;
  confirmed_via: ConfirmedVia | null;
  flagged: Generated<boolean>;
  flag_reason: FlagReason | null;
  flagged_at: NullableTimestamp;
  /** Set when retention removed the comment and the link to the person. */
  anonymized_at: NullableTimestamp;
  reviewed_at: NullableTimestamp;
  last_link_score: number | null;
  last_link_at: NullableTimestamp;
  external_id: string | null;
  announced_at: NullableTimestamp;
  /** Free labels, e.g. Delighted's tags; multi-valued, so not part of the segment. */
  tags: Generated<string[]>;
  /** What an imported response's source recorded that has no column here (permalink, notes…). */
  import_details: Json<JsonObject | null>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** The view `counted_responses`: the single rule for what scores count (counted, not flagged). */
export interface CountedResponsesView {
  id: string;
  workspace_id: string;
  survey_id: string;
  invitation_id: string | null;
  contact_id: string | null;
  score: number;
  comment: string | null;
  locale: string;
  segment: JsonObject;
  source: string;
  created_at: Date;
  updated_at: Date;
}
