import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { up as restorePreviousFormAnswer } from './20261204T010000_record_form_answer';

// NOTE: migrations are frozen in time: they never import from src/ or db/schema.

/**
 * Additional questions after the score (issue 15). `surveys.questions` holds the current
 * questions, each with a version the API raises when its wording, options or condition change.
 * `response_answers` holds one row per answered question with a snapshot of the question as it
 * was shown (version, type, text, options), so editing a live survey never rewrites past answers.
 * `glas_record_form_answer` gains `new_answers`: the answers replace the stored ones in the same
 * statement as the score and comment (null keeps them), so a form post stays one round trip.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table surveys add column questions jsonb not null default '[]'::jsonb`.execute(
    db,
  );
  await sql`
    create table response_answers (
      workspace_id uuid not null,
      response_id uuid not null references responses (id) on delete cascade,
      question_id text not null,
      position integer not null,
      question_version integer not null,
      question jsonb not null,
      value jsonb not null,
      created_at timestamptz not null,
      primary key (response_id, question_id)
    )`.execute(db);
  await sql`create index response_answers_workspace_idx on response_answers (workspace_id)`.execute(
    db,
  );
  await sql`drop function glas_record_form_answer(uuid, uuid, uuid, uuid, integer, boolean, text, text, timestamptz)`.execute(
    db,
  );
  await sql`
    create or replace function glas_record_form_answer(ws uuid, inv uuid, survey uuid,
        contact uuid, new_score integer, keep_comment boolean, new_comment text, loc text,
        now_at timestamptz, new_answers jsonb)
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
      if new_answers is not null then
        delete from response_answers where response_id = cur.id;
        insert into response_answers (workspace_id, response_id, question_id, position,
            question_version, question, value, created_at)
        select ws, cur.id, a->>'questionId', n::integer, (a->>'questionVersion')::integer,
            a->'question', a->'value', now_at
        from jsonb_array_elements(new_answers) with ordinality as t(a, n);
      end if;
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
  await sql`drop function if exists glas_record_form_answer(uuid, uuid, uuid, uuid, integer, boolean, text, text, timestamptz, jsonb)`.execute(
    db,
  );
  await sql`drop table if exists response_answers`.execute(db);
  await sql`alter table surveys drop column if exists questions`.execute(db);
  // The form answer as it was before additional questions.
  await restorePreviousFormAnswer(db);
}
