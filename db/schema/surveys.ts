import type { Generated, Json, JsonObject, NullableTimestamp, Timestamp } from './common';

/** The answer kinds; `src/surveys/scales.ts` has each one's scale and scoring family. */
export const SURVEY_KINDS = [
  'nps',
  'csat',
  'ces',
  'enps',
  'stars',
  'smileys',
  'thumbs',
  'pmf',
] as const;
export type SurveyKind = (typeof SURVEY_KINDS)[number];
export type SurveyStatus = 'draft' | 'active' | 'paused' | 'closed';

export interface SurveysTable {
  id: Generated<string>;
  workspace_id: string;
  kind: SurveyKind;
  name: string;
  status: Generated<SurveyStatus>;
  /** Per-locale text overrides: { "hr": { "question": "…" } }. */
  texts: Json<JsonObject>;
  trigger_event_type: string;
  delay_seconds: Generated<number>;
  sampling_rate: Generated<number>;
  send_window: Json<JsonObject | null>;
  reminder_after_days: number | null;
  /** Days a contact is left alone after an invitation; null = the workspace's default. */
  quiet_period_days: number | null;
  expires_after_days: Generated<number>;
  segment_properties: Json<string[]>;
  /** The additional questions after the score, each versioned (`src/surveys/questions.ts`). */
  questions: Json<JsonObject[]>;
  launched_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}
