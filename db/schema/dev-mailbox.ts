import type { Generated, Json, Timestamp } from './common';

export interface DevMailboxTable {
  id: Generated<string>;
  workspace_id: string | null;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string;
  headers: Json<Record<string, string>>;
  created_at: Timestamp;
}
