import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { findSuppressedPage } from './delighted.repository';
import type { PageQuery } from './delighted.schemas';
import { unix } from './person.service';

/**
 * GET /v1/unsubscribes and /v1/bounces: one numbered page of suppressed people, oldest
 * suppression first, each with the time under Delighted's key (`unsubscribed_at`, `bounced_at`).
 */
export async function listSuppressedPeople(
  db: Kysely<Database>,
  workspaceId: string,
  kind: 'unsubscribed' | 'bounced',
  q: PageQuery,
) {
  const rows = await findSuppressedPage(db, workspaceId, {
    kind,
    since: q.since,
    until: q.until,
    page: q.page,
    perPage: q.per_page,
  });
  const at = kind === 'unsubscribed' ? 'unsubscribed_at' : 'bounced_at';
  return rows.map((r) => ({ person_id: r.id, email: r.email, name: r.name, [at]: unix(r.at) }));
}
