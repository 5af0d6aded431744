import { sql } from 'kysely';
import type { Kysely } from 'kysely';

// NOTE: migrations are frozen in time: they never import from src/ or db/schema.

const SCORE_COLUMNS = Array.from({ length: 11 }, (_, i) => `s${i}`);

/**
 * Daily rollups of counted responses per survey, day (workspace time zone) and segment
 * value, kept current incrementally: a row trigger on `responses` appends ±1 rows to
 * `rollup_deltas` (insert-only, so concurrent answers never wait on a hot rollup row), and
 * `merge_rollup_deltas()` folds them into `response_rollups` in one statement. Readers sum
 * rollups and unmerged deltas together, so totals always equal a direct count.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const scoreDefs = SCORE_COLUMNS.map((c) => `${c} integer not null default 0`).join(', ');
  await sql
    .raw(
      `create table response_rollups (
        workspace_id uuid not null references workspaces (id) on delete cascade,
        survey_id uuid not null references surveys (id) on delete cascade,
        day date not null,
        dimension text not null,
        value text not null,
        ${scoreDefs},
        primary key (survey_id, dimension, day, value)
      )`,
    )
    .execute(db);
  await sql`create index response_rollups_workspace_id_day_idx on response_rollups (workspace_id, day)`.execute(
    db,
  );

  await sql`
    create table rollup_deltas (
      id bigserial primary key,
      workspace_id uuid not null,
      survey_id uuid not null,
      day date not null,
      dimension text not null,
      value text not null,
      score smallint not null,
      delta smallint not null
    )`.execute(db);
  await sql`create index rollup_deltas_survey_id_dimension_day_idx on rollup_deltas (survey_id, dimension, day)`.execute(
    db,
  );

  // Response-rate figures group invitations by their send time.
  await sql`create index invitations_survey_id_sent_idx on invitations (survey_id, (coalesce(sent_at, claimed_at)))`.execute(
    db,
  );

  // The dimensions one response counts in: the whole survey ('' / '') and each segment value.
  await sql`
    create function rollup_dimensions(segment jsonb)
    returns table (dimension text, value text)
    language sql immutable as $$
      select ''::text, ''::text
      union all
      select key, left(val #>> '{}', 200)
      from jsonb_each(coalesce(segment, '{}'::jsonb)) as e(key, val)
      where jsonb_typeof(val) in ('string', 'number', 'boolean')
    $$`.execute(db);

  await sql`
    create function rollup_response_change() returns trigger
    language plpgsql as $$
    declare
      tz text;
    begin
      if tg_op in ('UPDATE', 'DELETE') and old.status = 'counted' and not old.flagged then
        select time_zone into tz from workspaces where id = old.workspace_id;
        insert into rollup_deltas (workspace_id, survey_id, day, dimension, value, score, delta)
        select old.workspace_id, old.survey_id, (old.created_at at time zone coalesce(tz, 'UTC'))::date,
               d.dimension, d.value, old.score, -1
        from rollup_dimensions(old.segment) d;
      end if;
      if tg_op in ('INSERT', 'UPDATE') and new.status = 'counted' and not new.flagged then
        select time_zone into tz from workspaces where id = new.workspace_id;
        insert into rollup_deltas (workspace_id, survey_id, day, dimension, value, score, delta)
        select new.workspace_id, new.survey_id, (new.created_at at time zone coalesce(tz, 'UTC'))::date,
               d.dimension, d.value, new.score, 1
        from rollup_dimensions(new.segment) d;
      end if;
      return null;
    end
    $$`.execute(db);

  await sql`
    create trigger responses_rollup_insert_delete
    after insert or delete on responses
    for each row execute function rollup_response_change()`.execute(db);
  await sql`
    create trigger responses_rollup_update
    after update on responses
    for each row
    when (old.score is distinct from new.score
       or old.status is distinct from new.status
       or old.flagged is distinct from new.flagged
       or old.segment is distinct from new.segment
       or old.created_at is distinct from new.created_at
       or old.survey_id is distinct from new.survey_id)
    execute function rollup_response_change()`.execute(db);

  const sums = SCORE_COLUMNS.map(
    (c, i) => `coalesce(sum(delta) filter (where score = ${i}), 0) as ${c}`,
  ).join(', ');
  const adds = SCORE_COLUMNS.map((c) => `${c} = r.${c} + excluded.${c}`).join(', ');
  const cols = SCORE_COLUMNS.join(', ');
  await sql
    .raw(
      `create function merge_rollup_deltas() returns integer
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
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger if exists responses_rollup_update on responses`.execute(db);
  await sql`drop trigger if exists responses_rollup_insert_delete on responses`.execute(db);
  await sql`drop function if exists merge_rollup_deltas()`.execute(db);
  await sql`drop function if exists rollup_response_change()`.execute(db);
  await sql`drop function if exists rollup_dimensions(jsonb)`.execute(db);
  await sql`drop index if exists invitations_survey_id_sent_idx`.execute(db);
  await db.schema.dropTable('rollup_deltas').ifExists().execute();
  await db.schema.dropTable('response_rollups').ifExists().execute();
}
