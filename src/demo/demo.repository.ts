import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';

/**
 * Runs `fn` holding the demo's session advisory lock on a connection of its own, so two
 * processes started with GLAS_DEMO at once make one demo: the second waits, then finds it.
 */
export async function withDemoLock<T>(db: Kysely<Database>, fn: () => Promise<T>): Promise<T> {
  return db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(hashtext('glas-demo-workspace'))`.execute(conn);
    try {
      return await fn();
    } finally {
      await sql`select pg_advisory_unlock(hashtext('glas-demo-workspace'))`.execute(conn);
    }
  });
}
