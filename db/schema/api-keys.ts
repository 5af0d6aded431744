import type { Generated, NullableTimestamp, Timestamp } from './common';

export type ApiKeyRole = 'admin' | 'manager' | 'executive' | 'ingest';

export interface ApiKeysTable {
  id: Generated<string>;
  workspace_id: string;
  name: string;
  role: ApiKeyRole;
  key_hash: string;
  key_prefix: string;
  created_at: Timestamp;
  last_used_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
}
