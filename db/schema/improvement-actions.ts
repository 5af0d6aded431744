import type { Generated, Timestamp } from './common';

export type ActionStatus = 'open' | 'in_progress' | 'done' | 'dropped';
export type ActionTargetType = 'survey' | 'segment' | 'theme';

export interface ImprovementActionsTable {
  id: Generated<string>;
  workspace_id: string;
  survey_id: string;
  title: string;
  description: string | null;
  owner_name: string | null;
  owner_email: string | null;
  /** Local calendar date 'YYYY-MM-DD'. */
  due_date: string | null;
  status: ActionStatus;
  target_type: ActionTargetType;
  segment_property: string | null;
  segment_value: string | null;
  theme_key: string | null;
  source_report_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}
