import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// NOTE: migrations are frozen in time: they never import from src/ or db/schema.

/**
 * The rollup deltas once per statement, not once per row. The row triggers of
 * 20261123T200000 ran two statements for every response written (the workspace's time zone,
 * then its deltas): an import of 500 responses ran 1,000 of them. These statement triggers
 * read the statement's transition tables and write the same deltas in one insert: +1 for every
 * row that counts after the change, -1 for every row that counted before it, and for updates
 * only rows whose score, status, flag, segment, day or survey changed (what the old row
 * trigger's WHEN said), summed per rollup cell.
 */
const CHANGED = `o.score is distinct from n.score
  or o.status is distinct from n.status
  or o.flagged is distinct from n.flagged
  or o.segment is distinct from n.segment
  or o.created_at is distinct from n.created_at
  or o.survey_id is distinct from n.survey_id`;

/** The counting rows of `rows` in each of their dimensions, with `sign`. */
const signed = (rows: string, sign: 1 | -1, where = 'true') => `
  select r.workspace_id, r.survey_id,
         (r.created_at at time zone coalesce(w.time_zone, 'UTC'))::date as day,
         d.dimension, d.value, r.score, ${sign} as delta
  from ${rows} r
  left join workspaces w on w.id = r.workspace_id
  cross join lateral rollup_dimensions(r.segment) d
  where r.status = 'counted' and not r.flagged and (${where})`;

/** One delta row per cell the statement moved, summed (an import of a day writes a few dozen). */
const deltas = (...parts: string[]) => `
  insert into rollup_deltas (workspace_id, survey_id, day, dimension, value, score, delta)
  select workspace_id, survey_id, day, dimension, value, score, sum(delta)
  from (${parts.join(' union all ')}) x
  group by workspace_id, survey_id, day, dimension, value, score
  having sum(delta) <> 0;`;

export async function up(db: Kysely<any>): Promise<void> {
  // A summed delta can pass a smallint (a statement deleting a survey's responses of one day).
  await sql`alter table rollup_deltas alter column delta type integer`.execute(db);
  await sql`drop trigger if exists responses_rollup_update on responses`.execute(db);
  await sql`drop trigger if exists responses_rollup_insert_delete on responses`.execute(db);
  await sql`drop function if exists rollup_response_change()`.execute(db);

  await sql
    .raw(
      `create function rollup_responses_inserted() returns trigger language plpgsql as $$
      begin
        ${deltas(signed('new_rows', 1))}
        return null;
      end $$`,
    )
    .execute(db);
  await sql
    .raw(
      `create function rollup_responses_deleted() returns trigger language plpgsql as $$
      begin
        ${deltas(signed('old_rows', -1))}
        return null;
      end $$`,
    )
    .execute(db);
  await sql
    .raw(
      `create function rollup_responses_updated() returns trigger language plpgsql as $$
      begin
        ${deltas(
          signed(
            'old_rows',
            -1,
            `exists (select 1 from new_rows n join old_rows o on o.id = n.id where o.id = r.id and (${CHANGED}))`,
          ),
          signed(
            'new_rows',
            1,
            `exists (select 1 from old_rows o join new_rows n on n.id = o.id where n.id = r.id and (${CHANGED}))`,
          ),
        )}
        return null;
      end $$`,
    )
    .execute(db);

  await sql`
    create trigger responses_rollup_insert after insert on responses
    referencing new table as new_rows
    for each statement execute function rollup_responses_inserted()`.execute(db);
  await sql`
    create trigger responses_rollup_delete after delete on responses
    referencing old table as old_rows
    for each statement execute function rollup_responses_deleted()`.execute(db);
  await sql`
    create trigger responses_rollup_update after update on responses
    referencing old table as old_rows new table as new_rows
    for each statement execute function rollup_responses_updated()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`select merge_rollup_deltas()`.execute(db);
  await sql`alter table rollup_deltas alter column delta type smallint`.execute(db);
  await sql`drop trigger if exists responses_rollup_update on responses`.execute(db);
  await sql`drop trigger if exists responses_rollup_delete on responses`.execute(db);
  await sql`drop trigger if exists responses_rollup_insert on responses`.execute(db);
  await sql`drop function if exists rollup_responses_updated()`.execute(db);
  await sql`drop function if exists rollup_responses_deleted()`.execute(db);
  await sql`drop function if exists rollup_responses_inserted()`.execute(db);
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
}
