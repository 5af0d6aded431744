import type { Generated, NullableTimestamp, Timestamp } from './common';

export interface SetupTokensTable {
  id: Generated<string>;
  /** SHA-256 of the token printed in the log; the token itself is never stored. */
  token_hash: string;
  created_at: Timestamp;
  /** Set by the setup that used it; a used token is refused. */
  used_at: NullableTimestamp;
}
