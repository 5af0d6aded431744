import type { Generated, Timestamp } from './common';

/** Who owns a new case: the first rule (by position) whose segment property matches; property null = default. */
export interface FollowupRulesTable {
  id: Generated<string>;
  workspace_id: string;
  property: string | null;
  value: string | null;
  owner_email: string;
  owner_name: string | null;
  sla_hours: number;
  position: Generated<number>;
  created_at: Timestamp;
}
