import type { Generated, Json, JsonObject, Timestamp } from './common';

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
  created_at: Timestamp;
  updated_at: Timestamp;
}
