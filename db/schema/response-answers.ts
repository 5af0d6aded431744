import type { Json, JsonObject, Timestamp } from './common';

/**
 * One answered additional question of a response. `question` is the question as it was shown
 * (`{ type, text, options? }` at `question_version`); `value` is the answer: an option id, a list
 * of option ids, a number or a text, by the question's type.
 */
export interface ResponseAnswersTable {
  workspace_id: string;
  response_id: string;
  question_id: string;
  /** The order the questions were asked in (1-based). */
  position: number;
  question_version: number;
  question: Json<JsonObject>;
  value: Json<unknown>;
  created_at: Timestamp;
}
