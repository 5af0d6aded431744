import type { Generated, Timestamp } from './common';

/** What reached a survey link: a score link, the email's hidden honeypot, the page's beacon, a form. */
export type LinkFetchKind = 'score' | 'honeypot' | 'page' | 'form';

export interface LinkFetchesTable {
  id: Generated<string>;
  workspace_id: string;
  invitation_id: string;
  kind: LinkFetchKind;
  score: number | null;
  created_at: Timestamp;
}
