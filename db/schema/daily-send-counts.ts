import type { Generated } from './common';

/** Invitations created per workspace and local day, for the daily send quota. */
export interface DailySendCountsTable {
  workspace_id: string;
  /** The workspace's local calendar day, `YYYY-MM-DD`. */
  day: string;
  invited: Generated<number>;
  over_quota: Generated<number>;
}
