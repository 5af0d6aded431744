import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// NOTE: migrations are frozen in time: they never import from src/ or db/schema.

const SCORE_COLUMNS = Array.from({ length: 11 }, (_, i) => `s${i}`);
const cols = SCORE_COLUMNS.join(', ');
const sums = SCORE_COLUMNS.map(
  (c, i) => `coalesce(sum(delta) filter (where score = ${i}), 0) as ${c}`,
).join(', ');
const adds = SCORE_COLUMNS.map((c) => `${c} = r.${c} + excluded.${c}`).join(', ');
const monthSums = SCORE_COLUMNS.map((c) => `sum(${c})::int as ${c}`).join(', ');

/**
 * Monthly rollups beside the daily ones (issue 11): the same counts per survey, local month and
 * segment value, where a month is the month of the daily rollup's local day (the workspace time
 * zone), so a month row is exactly the sum of its day rows. A metrics query by month or quarter
 * reads its whole months here (24 rows per value for two years, not ~730) and only the days of
 * partial edge months from `response_rollups`. `merge_rollup_deltas()` folds the same pending
 * deltas into both tables in one statement, so the two never disagree and the cost stays
 * proportional to the new deltas. The primary key carries the workspace and the counts
 * (INCLUDE), so a survey's months can be read by an index-only scan.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const scoreDefs = SCORE_COLUMNS.map((c) => `${c} integer not null default 0`).join(', ');
  await sql
    .raw(
      `create table response_rollups_monthly (
        workspace_id uuid not null references workspaces (id) on delete cascade,
        survey_id uuid not null references surveys (id) on delete cascade,
        month date not null check (extract(day from month) = 1),
        dimension text not null,
        value text not null,
        ${scoreDefs},
        primary key (survey_id, dimension, month, value) include (workspace_id, ${cols})
      )`,
    )
    .execute(db);
  // For the workspace's on-delete cascade only; reads go through the primary key.
  await sql`create index response_rollups_monthly_workspace_id_idx on response_rollups_monthly (workspace_id)`.execute(
    db,
  );
  await sql
    .raw(
      `insert into response_rollups_monthly (workspace_id, survey_id, month, dimension, value, ${cols})
       select workspace_id, survey_id, date_trunc('month', day)::date, dimension, value, ${monthSums}
       from response_rollups
       group by 1, 2, 3, 4, 5`,
    )
    .execute(db);

  await sql
    .raw(
      `create or replace function merge_rollup_deltas() returns integer
      language sql as $$
        with moved as (
          delete from rollup_deltas returning workspace_id, survey_id, day, dimension, value, score, delta
        ), agg as (
          select workspace_id, survey_id, day, dimension, value, count(*) as n, ${sums}
          from moved group by workspace_id, survey_id, day, dimension, value
        ), merged as (
          insert into response_rollups as r (workspace_id, survey_id, day, dimension, value, ${cols})
          select workspace_id, survey_id, day, dimension, value, ${cols} from agg
          on conflict (survey_id, dimension, day, value) do update set ${adds}
          returning 1
        ), merged_monthly as (
          insert into response_rollups_monthly as r (workspace_id, survey_id, month, dimension, value, ${cols})
          select workspace_id, survey_id, date_trunc('month', day)::date, dimension, value, ${monthSums}
          from agg group by 1, 2, 3, 4, 5
          on conflict (survey_id, dimension, month, value) do update set ${adds}
          returning 1
        )
        select coalesce((select sum(n) from agg), 0)::integer
          + 0 * (select count(*) from merged)::integer
          + 0 * (select count(*) from merged_monthly)::integer
      $$`,
    )
    .execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql
    .raw(
      `create or replace function merge_rollup_deltas() returns integer
      language sql as $$
        with moved as (
          delete from rollup_deltas returning workspace_id, survey_id, day, dimension, value, score, delta
        ), agg as (
          select workspace_id, survey_id, day, dimension, value, count(*) as n, ${sums}
          from moved group by workspace_id, survey_id, day, dimension, value
        ), merged as (
          insert into response_rollups as r (workspace_id, survey_id, day, dimension, value, ${cols})
          select workspace_id, survey_id, day, dimension, value, ${cols} from agg
          on conflict (survey_id, dimension, day, value) do update set ${adds}
          returning 1
        )
        select coalesce((select sum(n) from agg), 0)::integer + 0 * (select count(*) from merged)::integer
      $$`,
    )
    .execute(db);
  await db.schema.dropTable('response_rollups_monthly').ifExists().execute();
}
