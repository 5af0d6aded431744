import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// NOTE: migrations are frozen in time: they never import from src/ or db/schema.

/**
 * Five more survey kinds, the ones Delighted ran beside NPS, CSAT and CES: enps (0–10),
 * stars and smileys (1–5), thumbs (0 = down, 1 = up) and pmf (1 = not, 2 = somewhat,
 * 3 = very disappointed). Every score still fits the responses' 0–10 check.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table surveys drop constraint surveys_kind_check,
    add constraint surveys_kind_check check (kind in
      ('nps', 'csat', 'ces', 'enps', 'stars', 'smileys', 'thumbs', 'pmf'))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table surveys drop constraint surveys_kind_check,
    add constraint surveys_kind_check check (kind in ('nps', 'csat', 'ces'))`.execute(db);
}
