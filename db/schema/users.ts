import type { Generated, NullableTimestamp, Timestamp } from './common';

export type UserRole = 'admin' | 'manager' | 'executive';

export interface UsersTable {
  id: Generated<string>;
  workspace_id: string;
  email: string;
  name: string | null;
  role: UserRole;
  /** argon2id PHC string. */
  password_hash: string;
  last_sign_in_at: NullableTimestamp;
  disabled_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}
