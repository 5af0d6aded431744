import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// NOTE: migrations are frozen in time: they never import from src/ or db/schema.

/**
 * Batch ingest set-based. `glas_ingest` (20261203T000000) walks its items one by one, each in a
 * subtransaction with a dozen statements: right for one event, ~0.9 ms per item for a batch.
 * `glas_ingest_set` stores a whole batch in a constant number of statements:
 *   1. lock the batch's known contacts (in id order) and check each is as the plan was made
 *      for, and that no planned-new contact exists meanwhile (else `GL001`);
 *   2. upsert the batch's distinct contacts once each (Node merged their items' fields in
 *      order, as sequential upserts would leave them), new ones with their kept suppressions;
 *   3. decide the quiet period in one query: an invitation planned `scheduled` with a quiet
 *      period is kept only if the contact had no live invitation in that period and it is the
 *      contact's first invitation of the batch that could go out; one without a quiet period
 *      is always kept (the per-item rules, in closed form: every invitation of a batch is
 *      created at the same instant);
 *   4. take the quota for all of them at once (a batch that would cross the quota raises
 *      `GL002`: the per-item walk then decides who is refused, in order);
 *   5. insert the events with their 202 bodies, the invitations and the outbox rows.
 * Any error (a twin of a key committed meanwhile, an external id used by another contact, a
 * deadlock, a changed contact) undoes the set attempt (`glas_ingest_batch` answers null) and
 * the batch is walked per item by `glas_ingest`, which gives each item its own outcome.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create or replace function glas_ingest_set(p jsonb)
    returns jsonb language plpgsql as $fn$
    declare
      ws uuid := (p->>'workspace_id')::uuid;
      now_at timestamptz := (p->>'now')::timestamptz;
      quota integer := (p->>'quota')::integer;
      d date := (p->>'quota_day')::date;
      wanted integer;
      used integer;
      inv_ids uuid[];
      inv_status text[];
      inv_skip text[];
      results jsonb;
    begin
      -- 1. The known contacts, locked, as planned; the new ones still absent.
      perform 1 from contacts c
        where c.workspace_id = ws and c.id in (
          select (x->>'id')::uuid from jsonb_array_elements(p->'contacts') x
          where (x->>'existed')::boolean)
        order by c.id for update;
      if exists (
          select 1
          from jsonb_to_recordset(p->'contacts') as x(id uuid, email text, existed boolean,
            locale text, time_zone text, properties jsonb, unsubscribed boolean,
            bounced boolean, email_hash text)
          left join contacts c on c.workspace_id = ws and lower(c.email) = lower(x.email)
          where case when x.existed then
              c.id is distinct from x.id
              or c.locale is distinct from x.locale
              or c.time_zone is distinct from x.time_zone
              or c.properties is distinct from x.properties
              or (c.unsubscribed_at is not null) <> x.unsubscribed
              or (c.bounced_at is not null) <> x.bounced
            else
              c.id is not null
              or x.unsubscribed <> exists (select 1 from suppressed_emails s
                where s.workspace_id = ws and s.email_hash = x.email_hash
                  and s.reason = 'unsubscribed')
              or x.bounced <> exists (select 1 from suppressed_emails s
                where s.workspace_id = ws and s.email_hash = x.email_hash
                  and s.reason = 'bounced')
            end) then
        raise exception using errcode = 'GL001';
      end if;

      -- 2. Each contact once, with the batch's fields merged in order.
      insert into contacts as k (id, workspace_id, email, name, locale, time_zone, external_id,
          properties, unsubscribed_at, unsubscribe_source, bounced_at, bounce_reason,
          created_at, updated_at)
      select x.id, ws, x.email, x.name, x.set_locale, x.set_time_zone, x.external_id,
          coalesce(x.set_properties, '{}'), u.at, case when u.at is not null
            then 'erased_contact' end, b.at, case when b.at is not null
            then 'erased_contact' end, now_at, now_at
      from jsonb_to_recordset(p->'contacts') as x(id uuid, email text, name text,
          set_locale text, set_time_zone text, external_id text, set_properties jsonb,
          email_hash text)
      left join lateral (select min(s.created_at) as at from suppressed_emails s
        where s.workspace_id = ws and s.email_hash = x.email_hash
          and s.reason = 'unsubscribed') u on true
      left join lateral (select min(s.created_at) as at from suppressed_emails s
        where s.workspace_id = ws and s.email_hash = x.email_hash
          and s.reason = 'bounced') b on true
      order by x.id
      on conflict (workspace_id, lower(email)) do update set
        name = coalesce(excluded.name, k.name),
        locale = coalesce(excluded.locale, k.locale),
        time_zone = coalesce(excluded.time_zone, k.time_zone),
        external_id = coalesce(excluded.external_id, k.external_id),
        properties = k.properties || excluded.properties,
        unsubscribed_at = k.unsubscribed_at,
        unsubscribe_source = k.unsubscribe_source,
        bounced_at = k.bounced_at,
        bounce_reason = k.bounce_reason,
        updated_at = excluded.updated_at;
      -- A planned-new contact inserted by another transaction meanwhile got its id, not ours.
      if (select count(*) from contacts c where c.workspace_id = ws and c.id in (
            select (x->>'id')::uuid from jsonb_array_elements(p->'contacts') x))
          <> jsonb_array_length(p->'contacts') then
        raise exception using errcode = 'GL001';
      end if;

      -- 3. The quiet period, in closed form (see above).
      with inv as (
        select v.id, v.contact_id, v.status, v.skip_reason, v.quiet_days, v.seq,
          live.at as live_at
        from jsonb_to_recordset(p->'invitations') as v(id uuid, contact_id uuid, status text,
          skip_reason text, quiet_days integer, seq integer)
        left join lateral (select max(i.created_at) as at from invitations i
          where i.workspace_id = ws and i.contact_id = v.contact_id
            and i.status in ('scheduled', 'sending', 'sent', 'send_unknown')) live on true
      ),
      ok as (
        select inv.*, min(case when status = 'scheduled' and (quiet_days = 0 or live_at is null
              or live_at <= now_at - make_interval(days => quiet_days)) then seq end)
            over (partition by contact_id) as first_ok
        from inv
      )
      select array_agg(id order by seq),
        array_agg(case when status = 'scheduled' and (quiet_days = 0 or seq = first_ok)
          then 'scheduled' else 'skipped' end order by seq),
        array_agg(case when status = 'scheduled' and (quiet_days = 0 or seq = first_ok)
          then null when status = 'scheduled' then 'quiet_period' else skip_reason end
          order by seq)
      into inv_ids, inv_status, inv_skip
      from ok;

      -- 4. The quota, for the whole batch at once.
      wanted := (select count(*) from unnest(inv_status) s where s = 'scheduled');
      if quota is not null and wanted > 0 then
        insert into daily_send_counts as c (workspace_id, day, invited) values (ws, d, 0)
        on conflict (workspace_id, day) do update set invited = c.invited
        returning c.invited into used;
        if used + wanted > quota then
          raise exception using errcode = 'GL002';
        end if;
        update daily_send_counts set invited = invited + wanted
          where workspace_id = ws and day = d;
      end if;

      -- 5. Events with their bodies, invitations, outbox.
      with decided as (
        select u.id, u.status, u.skip
        from unnest(inv_ids, inv_status, inv_skip) as u(id, status, skip)
      ),
      planned as (
        select v.*, dd.status as final_status, dd.skip as final_skip
        from jsonb_to_recordset(p->'invitations') as v(id uuid, item integer, seq integer,
          survey_id uuid, contact_id uuid, event_id uuid, locale text, segment jsonb,
          text_overrides jsonb, send_at text, expires_at timestamptz)
        join decided dd on dd.id = v.id
      ),
      summaries as (
        select item, jsonb_agg(jsonb_build_object('id', id, 'surveyId', survey_id,
            'status', final_status, 'skipReason', final_skip,
            'sendAt', send_at) order by seq) as list
        from planned group by item
      ),
      items as (
        select e.*, jsonb_build_object(
            'event', jsonb_build_object('id', e.id, 'type', e.type, 'contactId', e.contact_id),
            'invitations', coalesce(s.list, '[]'::jsonb)) as body
        from jsonb_to_recordset(p->'events') as e(n integer, id uuid, type text,
          contact_id uuid, properties jsonb, key text, hash text, occurred_at timestamptz)
        left join summaries s on s.item = e.n
      ),
      ev as (
        insert into events (id, workspace_id, type, contact_id, properties, idempotency_key,
            request_hash, response_status, response_body, occurred_at, created_at)
        select id, ws, type, contact_id, coalesce(properties, '{}'), key, hash, 202, body,
            occurred_at, now_at
        from items order by n
        returning id
      ),
      iv as (
        insert into invitations (id, workspace_id, survey_id, contact_id, event_id, status,
            skip_reason, locale, segment, text_overrides, send_at, expires_at, created_at)
        select id, ws, survey_id, contact_id, event_id, final_status, final_skip, locale,
            segment, nullif(text_overrides, 'null'::jsonb), send_at::timestamptz, expires_at,
            now_at
        from planned
        where event_id in (select id from ev)
        order by seq
        returning id
      ),
      ob as (
        insert into outbox (workspace_id, topic, aggregate_id, available_at)
        select ws, 'send-invitation', id, send_at::timestamptz from planned
        where final_status = 'scheduled' and id in (select id from iv)
        order by seq
      )
      select jsonb_agg(jsonb_build_object('outcome', 'ok', 'body', body,
          'quota_alert', false) order by n)
      into results from items;
      return results;
    end
    $fn$`.execute(db);

  // Batches try the set first. Any failure undoes it and answers null: Node then sends the
  // batch to glas_ingest, which walks it per item (the set's plan carries no per-item shape).
  await sql`
    create or replace function glas_ingest_batch(p jsonb)
    returns jsonb language plpgsql as $fn$
    begin
      return glas_ingest_set(p);
    exception when others then
      return null;
    end
    $fn$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop function if exists glas_ingest_batch(jsonb)`.execute(db);
  await sql`drop function if exists glas_ingest_set(jsonb)`.execute(db);
}
