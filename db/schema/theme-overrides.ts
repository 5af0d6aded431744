import type { Generated, Timestamp } from './common';

export type ThemeOverrideKind = 'rename' | 'merge' | 'pin';

/** rename: value = label; merge: value = key merged into; pin: value null. */
export interface ThemeOverridesTable {
  id: Generated<string>;
  workspace_id: string;
  survey_id: string;
  kind: ThemeOverrideKind;
  theme_key: string;
  value: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}
