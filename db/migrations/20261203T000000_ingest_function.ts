import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// NOTE: migrations are frozen in time: they never import from src/ or db/schema.

/**
 * Event ingest in one round trip. Node reads what it needs in one statement, decides what it
 * can without a lock (survey paused, unsubscribed, bounced, sampling, send time, segment), and
 * hands the plan to `glas_ingest(plan)`. The function does, per item in its own subtransaction
 * (one item's failure never undoes another's):
 *   - the idempotency key: a try-lock (a twin in flight: `in_flight`) and a look for a stored
 *     twin (`replay`); in batches without the lock, the events' unique key does the same;
 *   - the contact upsert, which row-locks the contact until commit: every decision for one
 *     contact queues there, as `select … for update` in the other paths does;
 *   - a check that the contact is still the one the plan was made for (id, locale, time zone,
 *     properties, unsubscribed, bounced); else `stale` and Node plans that item again;
 *   - the quiet period, from the contact's latest live invitation read under that lock;
 *   - the daily quota (`glas_take_quota`, never overshot: the counter row queues concurrent
 *     takers);
 *   - the event with its 202 body, the invitations and their outbox rows.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create or replace function glas_take_quota(ws uuid, d date, quota integer)
    returns integer language plpgsql as $fn$
    -- 1: taken; 0: refused; -1: refused, and the first refusal of that day.
    declare
      n integer;
    begin
      if quota is null then
        return 1;
      end if;
      insert into daily_send_counts as c (workspace_id, day, invited) values (ws, d, 1)
      on conflict (workspace_id, day) do update set invited = c.invited + 1
        where c.invited < quota
      returning c.invited into n;
      if found and n <= quota then
        return 1;
      end if;
      if found then
        -- A quota of 0: the fresh row itself is over it.
        update daily_send_counts set invited = 0, over_quota = 1
          where workspace_id = ws and day = d;
        return -1;
      end if;
      update daily_send_counts set over_quota = over_quota + 1
        where workspace_id = ws and day = d
      returning over_quota into n;
      return case when n = 1 then -1 else 0 end;
    end
    $fn$`.execute(db);

  await sql`
    create or replace function glas_ingest(p jsonb)
    returns jsonb language plpgsql as $fn$
    declare
      ws uuid := (p->>'workspace_id')::uuid;
      now_at timestamptz := (p->>'now')::timestamptz;
      item jsonb;
      inv jsonb;
      results jsonb := '[]'::jsonb;
      result jsonb;
      c contacts%rowtype;
      cid uuid;
      inserted boolean;
      existing events%rowtype;
      live_at timestamptz;
      quiet integer;
      taken integer;
      status text;
      skip text;
      quota_alert boolean;
      planned jsonb;
      summaries jsonb;
      body jsonb;
    begin
      for item in select value from jsonb_array_elements(p->'items') loop
        begin
          -- The key: a twin in flight, or a twin already stored.
          if item->>'key' is not null then
            if (p->>'lock_keys')::boolean and not pg_try_advisory_xact_lock(
                hashtextextended('idem:' || ws || ':' || (item->>'key'), 0)) then
              results := results || jsonb_build_object('outcome', 'in_flight');
              continue;
            end if;
            select * into existing from events
              where workspace_id = ws and idempotency_key = item->>'key';
            if found then
              results := results || jsonb_build_object('outcome', 'replay',
                'request_hash', existing.request_hash, 'status', existing.response_status,
                'body', existing.response_body);
              continue;
            end if;
          end if;

          insert into contacts as k (id, workspace_id, email, name, locale, time_zone,
              external_id, properties, created_at, updated_at)
          values ((item#>>'{contact,id}')::uuid, ws, item#>>'{contact,email}',
              item#>>'{contact,name}', item#>>'{contact,locale}', item#>>'{contact,time_zone}',
              item#>>'{contact,external_id}', coalesce(item#>'{contact,properties}', '{}'),
              now_at, now_at)
          on conflict (workspace_id, lower(email)) do update set
            name = coalesce(excluded.name, k.name),
            locale = coalesce(excluded.locale, k.locale),
            time_zone = coalesce(excluded.time_zone, k.time_zone),
            external_id = coalesce(excluded.external_id, k.external_id),
            properties = k.properties || excluded.properties,
            updated_at = excluded.updated_at
          returning k.id, (k.xmax = 0) into cid, inserted;

          -- Erasing a contact never re-subscribes them: their kept suppressions come back.
          if inserted then
            update contacts k set
              unsubscribed_at = coalesce(k.unsubscribed_at, s.created_at),
              unsubscribe_source = coalesce(k.unsubscribe_source, 'erased_contact')
            from suppressed_emails s
            where k.id = cid and s.workspace_id = ws and s.reason = 'unsubscribed'
              and s.email_hash = item#>>'{contact,email_hash}';
            update contacts k set
              bounced_at = coalesce(k.bounced_at, s.created_at),
              bounce_reason = coalesce(k.bounce_reason, 'erased_contact')
            from suppressed_emails s
            where k.id = cid and s.workspace_id = ws and s.reason = 'bounced'
              and s.email_hash = item#>>'{contact,email_hash}';
          end if;
          select * into c from contacts where id = cid;

          planned := coalesce(item->'invitations', '[]'::jsonb);
          if jsonb_array_length(planned) > 0 and (
              c.id is distinct from (item#>>'{expect,id}')::uuid
              or c.locale is distinct from item#>>'{expect,locale}'
              or c.time_zone is distinct from item#>>'{expect,time_zone}'
              or c.properties is distinct from item#>'{expect,properties}'
              or (c.unsubscribed_at is not null) <> (item#>>'{expect,unsubscribed}')::boolean
              or (c.bounced_at is not null) <> (item#>>'{expect,bounced}')::boolean) then
            -- Planned for a contact that changed meanwhile: undo this item, plan it again.
            raise exception using errcode = 'GL001';
          end if;

          -- Under the contact's row lock: its latest live invitation, for the quiet period.
          select max(i.created_at) into live_at from invitations i
            where i.workspace_id = ws and i.contact_id = c.id
              and i.status in ('scheduled', 'sending', 'sent', 'send_unknown');
          quota_alert := false;
          summaries := '[]'::jsonb;
          for inv in select value from jsonb_array_elements(planned) loop
            status := inv->>'status';
            skip := inv->>'skip_reason';
            quiet := coalesce((inv->>'quiet_days')::integer, 0);
            if status = 'scheduled' and quiet > 0
                and live_at > now_at - make_interval(days => quiet) then
              status := 'skipped';
              skip := 'quiet_period';
            end if;
            if status = 'scheduled' then
              taken := glas_take_quota(ws, (p->>'quota_day')::date, (p->>'quota')::integer);
              if taken <= 0 then
                status := 'skipped';
                skip := 'quota_exceeded';
                quota_alert := quota_alert or taken = -1;
              else
                -- The next survey's quiet period sees this invitation.
                live_at := now_at;
              end if;
            end if;
            summaries := summaries || jsonb_build_object('id', inv->>'id',
              'surveyId', inv->>'survey_id', 'status', status, 'skipReason', skip,
              'sendAt', inv->>'send_at');
          end loop;

          body := jsonb_build_object(
            'event', jsonb_build_object('id', item#>>'{event,id}', 'type', item#>>'{event,type}',
              'contactId', c.id),
            'invitations', summaries);
          insert into events (id, workspace_id, type, contact_id, properties, idempotency_key,
              request_hash, response_status, response_body, occurred_at, created_at)
          values ((item#>>'{event,id}')::uuid, ws, item#>>'{event,type}', c.id,
              coalesce(item#>'{event,properties}', '{}'), item->>'key', item->>'hash', 202, body,
              (item#>>'{event,occurred_at}')::timestamptz, now_at);

          insert into invitations (id, workspace_id, survey_id, contact_id, event_id, status,
              skip_reason, locale, segment, text_overrides, send_at, expires_at, created_at)
          select (s->>'id')::uuid, ws, (s->>'surveyId')::uuid, c.id,
              (item#>>'{event,id}')::uuid, s->>'status', s->>'skipReason', v->>'locale',
              v->'segment', nullif(v->'text_overrides', 'null'::jsonb),
              (v->>'send_at')::timestamptz, (v->>'expires_at')::timestamptz, now_at
          from jsonb_array_elements(summaries) with ordinality as a(s, n)
          join jsonb_array_elements(planned) with ordinality as b(v, m) on a.n = b.m;

          insert into outbox (workspace_id, topic, aggregate_id, available_at)
          select ws, 'send-invitation', (s->>'id')::uuid, (s->>'sendAt')::timestamptz
          from jsonb_array_elements(summaries) as a(s)
          where s->>'status' = 'scheduled';

          results := results || jsonb_build_object('outcome', 'ok', 'body', body,
            'quota_alert', quota_alert);
        exception
          when sqlstate 'GL001' then
            results := results || jsonb_build_object('outcome', 'stale');
          when unique_violation then
            -- A twin committed meanwhile (the events' key), or another contact already has
            -- this external id.
            get stacked diagnostics skip = constraint_name;
            select * into existing from events
              where workspace_id = ws and idempotency_key = item->>'key';
            if found then
              results := results || jsonb_build_object('outcome', 'replay',
                'request_hash', existing.request_hash, 'status', existing.response_status,
                'body', existing.response_body);
            else
              results := results || jsonb_build_object('outcome', 'conflict',
                'constraint', skip);
            end if;
          when deadlock_detected then
            -- Two batches locking the same contacts in another order: this item is undone
            -- (its locks with it) and planned again.
            results := results || jsonb_build_object('outcome', 'stale');
        end;
      end loop;
      return results;
    end
    $fn$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop function if exists glas_ingest(jsonb)`.execute(db);
  await sql`drop function if exists glas_take_quota(uuid, date, integer)`.execute(db);
}
