import type { Generated, Json, JsonObject, Timestamp } from './common';

export type AutopilotPlatform = 'email' | 'sms';

/** Delighted Autopilot: whether recurring surveys run, and how often, per workspace and channel. */
export interface AutopilotConfigurationsTable {
  workspace_id: string;
  platform: AutopilotPlatform;
  active: Generated<boolean>;
  frequency_seconds: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** One person surveyed again every `frequency_seconds`; the next invitation is due at next_survey_at. */
export interface AutopilotMembershipsTable {
  id: Generated<string>;
  workspace_id: string;
  platform: AutopilotPlatform;
  contact_id: string;
  properties: Json<JsonObject>;
  next_survey_at: Timestamp;
  last_invitation_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}
