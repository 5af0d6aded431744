import type { Generated, Timestamp } from './common';

export interface FollowupNotesTable {
  id: Generated<string>;
  workspace_id: string;
  case_id: string;
  body: string;
  author_key_id: string | null;
  created_at: Timestamp;
}
