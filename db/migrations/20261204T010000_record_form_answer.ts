import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// NOTE: migrations are frozen in time: they never import from src/ or db/schema.

/**
 * A person's survey form post in one statement: `glas_record_form_answer` locks the
 * invitation's response (the row every change to it queues on), records the form fetch,
 * creates the provisional response if none exists yet, marks the invitation answered, and
 * makes the response count with the chosen score and comment (an automatic scanner flag is
 * cleared: the score no longer comes from a fetched link; a manager's manual flag stays). A
 * response that now counts for the first time is stamped announced, as the effects of a
 * change do. Returns the response as it was when locked (if it existed) and then as it is.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create or replace function glas_record_form_answer(ws uuid, inv uuid, survey uuid,
        contact uuid, new_score integer, keep_comment boolean, new_comment text, loc text,
        now_at timestamptz)
    returns setof responses language plpgsql as $fn$
    declare
      cur responses%rowtype;
      had boolean;
      clear boolean;
    begin
      select * into cur from responses
        where workspace_id = ws and invitation_id = inv for update;
      had := found;
      insert into link_fetches (workspace_id, invitation_id, kind, score, created_at)
        values (ws, inv, 'form', new_score, now_at);
      if had then
        return next cur;
      else
        insert into responses (workspace_id, survey_id, invitation_id, contact_id, score,
            comment, locale, segment, source, status, created_at, updated_at)
        select ws, survey, inv, contact, new_score, null, loc, i.segment, 'link',
            'provisional', now_at, now_at
        from invitations i where i.id = inv and i.workspace_id = ws
        on conflict (invitation_id) do nothing
        returning * into cur;
        if not found then
          -- A parallel click inserted first; its row is committed now, so lock and use it.
          select * into cur from responses
            where workspace_id = ws and invitation_id = inv for update;
        end if;
      end if;
      update invitations set answered_at = now_at
        where id = inv and workspace_id = ws and answered_at is null;
      clear := cur.flagged and cur.flag_reason in ('scanner_burst', 'honeypot');
      return query
        update responses set
          score = new_score,
          comment = case when keep_comment then comment else new_comment end,
          status = 'counted',
          confirmed_via = 'form',
          confirmed_at = coalesce(confirmed_at, now_at),
          updated_at = now_at,
          flagged = case when clear then false else flagged end,
          flag_reason = case when clear then null else flag_reason end,
          flagged_at = case when clear then null else flagged_at end,
          announced_at = case when announced_at is null and (clear or not flagged)
            then now_at else announced_at end
        where workspace_id = ws and id = cur.id
        returning *;
    end
    $fn$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop function if exists glas_record_form_answer(uuid, uuid, uuid, uuid, integer, boolean, text, text, timestamptz)`.execute(
    db,
  );
}
