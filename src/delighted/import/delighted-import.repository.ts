import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database, SurveyKind } from '../../../db/schema';
import { MERGE_CONTACT } from '../../contacts/contact-merge';
import type { ImportConnection } from './staging';

export async function findSurveyByName(
  db: Kysely<Database>,
  workspaceId: string,
  name: string,
  kind: SurveyKind,
) {
  return db
    .selectFrom('surveys')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('name', '=', name)
    .where('kind', '=', kind)
    .orderBy('created_at')
    .limit(1)
    .executeTakeFirst();
}

/**
 * The staged rows merged per person (by lower-cased email, as contacts are keyed): the first
 * spelling of the address, the last name and locale given, properties merged in file order.
 */
const stagedPeople = sql`
  select s.k,
    (array_agg(s.email order by s.line))[1] as email,
    (array_agg(s.name order by s.line desc) filter (where s.name is not null))[1] as name,
    (array_agg(s.locale order by s.line desc) filter (where s.locale is not null))[1] as locale,
    coalesce(jsonb_object_agg(p.key, p.value order by s.line) filter (where p.key is not null),
      '{}'::jsonb) as properties
  from (select lower(email) as k, * from pg_temp.glas_import_rows) s
  left join lateral jsonb_each(s.properties) p on true
  group by s.k`;

/**
 * Upserts the staged people in one statement with ensureContacts' rules (given fields win,
 * properties merge, an unchanged contact is left alone). A contact this import already created
 * or changed (`now` is the import's) is not counted again. `keptSuppressions` says whether the
 * workspace keeps suppressions of erased addresses that new contacts may have to take back.
 */
export async function upsertStagedContacts(
  conn: ImportConnection,
  workspaceId: string,
  now: Date,
): Promise<{ created: number; updated: number; keptSuppressions: boolean }> {
  const { rows } = await conn.run(sql<{
    created: number;
    updated: number;
    keptSuppressions: boolean;
  }>`
    with input as (${stagedPeople}),
    prev as (
      select c.id, c.updated_at from contacts c
      where c.workspace_id = ${workspaceId} and lower(c.email) in (select k from input)
    ), up as (
      insert into contacts as c (workspace_id, email, name, locale, properties, created_at, updated_at)
      select ${workspaceId}, email, name, locale, properties, ${now}, ${now} from input
      ${MERGE_CONTACT}
      returning c.id, (c.xmax = 0) as inserted, c.created_at
    )
    select count(*) filter (where up.inserted)::int as created,
      count(*) filter (where not up.inserted and up.created_at <> ${now}
        and prev.updated_at is distinct from ${now})::int as updated,
      exists (select 1 from suppressed_emails s where s.workspace_id = ${workspaceId}
        and s.reason in ('unsubscribed', 'bounced')) as "keptSuppressions"
    from up left join prev on prev.id = up.id`);
  return rows[0] ?? { created: 0, updated: 0, keptSuppressions: false };
}

/** Contacts this import created for the staged addresses (to hash them in Node, by GLAS_SECRET). */
export async function findCreatedContacts(
  conn: ImportConnection,
  workspaceId: string,
  now: Date,
): Promise<{ id: string; email: string }[]> {
  const { rows } = await conn.run(sql<{ id: string; email: string }>`
    select c.id, c.email from contacts c
    where c.workspace_id = ${workspaceId} and c.created_at = ${now}
      and lower(c.email) in (select lower(email) from pg_temp.glas_import_rows)`);
  return rows;
}

/** Puts the kept unsubscribe and bounce of an erased address back on its new contact. */
export async function reapplyKeptSuppressions(
  conn: ImportConnection,
  workspaceId: string,
  contacts: { id: string; emailHash: string }[],
): Promise<void> {
  if (contacts.length === 0) {
    return;
  }
  await conn.run(sql`
    update contacts c set
      unsubscribed_at = coalesce(k.unsubscribed, c.unsubscribed_at),
      unsubscribe_source = case when k.unsubscribed is null then c.unsubscribe_source
        else 'erased_contact' end,
      bounced_at = coalesce(k.bounced, c.bounced_at),
      bounce_reason = case when k.bounced is null then c.bounce_reason else 'erased_contact' end
    from (
      select t.id,
        max(s.created_at) filter (where s.reason = 'unsubscribed') as unsubscribed,
        max(s.created_at) filter (where s.reason = 'bounced') as bounced
      from unnest(${contacts.map((c) => c.id)}::uuid[], ${contacts.map((c) => c.emailHash)}::text[])
        as t(id, hash)
      join suppressed_emails s on s.workspace_id = ${workspaceId} and s.email_hash = t.hash
        and s.reason in ('unsubscribed', 'bounced')
      group by t.id
    ) k
    where c.workspace_id = ${workspaceId} and c.id = k.id`);
}

/**
 * The staged responses in one statement: the first row of each Response ID (by line), its
 * person's contact found by email, tags, the source's details, its last-updated time and its
 * additional answers (a second insert in the same statement). A response whose external id is
 * present already is skipped, answers and all (a re-run adds nothing). They count at once:
 * history, announced to no webhook, opening no case; the rollup statement trigger sums the
 * whole insert per cell once. Returns how many were inserted.
 */
export async function insertStagedResponses(
  conn: ImportConnection,
  workspaceId: string,
  surveyId: string,
  now: Date,
): Promise<number> {
  const { rows } = await conn.run(sql<{ n: number }>`
    with src as (
      select distinct on (external_id) * from pg_temp.glas_import_rows
      order by external_id, line
    ), ins as (
      insert into responses (workspace_id, survey_id, contact_id, score, comment, locale,
          segment, source, status, confirmed_at, confirmed_via, external_id, tags,
          import_details, created_at, updated_at)
      select ${workspaceId}, ${surveyId}, c.id, t.score, t.comment, t.response_locale, t.segment,
          'import', 'counted', ${now}, 'import', t.external_id,
          array(select jsonb_array_elements_text(t.tags)), t.details, t.created_at,
          greatest(t.updated_at, t.created_at)
      from src t
      left join contacts c on c.workspace_id = ${workspaceId} and lower(c.email) = lower(t.email)
      on conflict (workspace_id, external_id) where external_id is not null do nothing
      returning id, external_id, created_at
    ), answers as (
      insert into response_answers (workspace_id, response_id, question_id, position,
          question_version, question, value, created_at)
      select ${workspaceId}, ins.id, a->>'questionId', n::integer, (a->>'questionVersion')::integer,
          a->'question', a->'value', ins.created_at
      from ins
      join src t on t.external_id = ins.external_id
      cross join lateral jsonb_array_elements(t.answers) with ordinality as x(a, n)
      where t.answers is not null
    )
    select count(*)::int as n from ins`);
  return rows[0]?.n ?? 0;
}

/**
 * Suppresses the staged addresses at their earliest date in the file (a missing one is
 * `now`) unless already suppressed; returns how many contacts this suppressed.
 */
export async function suppressStagedContacts(
  conn: ImportConnection,
  workspaceId: string,
  kind: 'unsubscribed' | 'bounced',
  source: string,
  now: Date,
): Promise<number> {
  const staged = sql`
    select lower(email) as k, min(coalesce(at, ${now})) as at
    from pg_temp.glas_import_rows group by 1`;
  const { rowCount } =
    kind === 'unsubscribed'
      ? await conn.run(sql`
          update contacts c set unsubscribed_at = t.at, unsubscribe_source = ${source},
            updated_at = ${now}
          from (${staged}) t
          where c.workspace_id = ${workspaceId} and lower(c.email) = t.k
            and c.unsubscribed_at is null`)
      : await conn.run(sql`
          update contacts c set bounced_at = t.at, bounce_reason = ${source}, updated_at = ${now}
          from (${staged}) t
          where c.workspace_id = ${workspaceId} and lower(c.email) = t.k
            and c.bounced_at is null`);
  return rowCount;
}

/**
 * What the import would do with the staged rows, read only (the dry run): new and changed
 * contacts under the upsert's rules, new responses, and addresses it would suppress.
 */
export async function countStaged(
  conn: ImportConnection,
  workspaceId: string,
  suppression: 'unsubscribed' | 'bounced' | null,
): Promise<{
  newContacts: number;
  updatedContacts: number;
  newResponses: number;
  suppressed: number;
}> {
  const suppressedAlready =
    suppression === 'unsubscribed'
      ? sql`c.unsubscribed_at is not null`
      : suppression === 'bounced'
        ? sql`c.bounced_at is not null`
        : sql`true`;
  const { rows } = await conn.run(sql<{
    newContacts: number;
    updatedContacts: number;
    newResponses: number;
    suppressed: number;
  }>`
    with input as (${stagedPeople}),
    people as (
      select i.*, c.id as contact_id,
        c.id is not null and (c.name is distinct from coalesce(i.name, c.name)
          or c.locale is distinct from coalesce(i.locale, c.locale)
          or not (c.properties @> i.properties)) as changes,
        c.id is not null and ${suppressedAlready} as suppressed_already
      from input i
      left join contacts c on c.workspace_id = ${workspaceId} and lower(c.email) = i.k
    )
    select
      (select count(*) filter (where contact_id is null) from people)::int as "newContacts",
      (select count(*) filter (where changes) from people)::int as "updatedContacts",
      (select count(*) from people where not suppressed_already)::int as suppressed,
      (select count(distinct s.external_id) from pg_temp.glas_import_rows s
        where s.external_id is not null and not exists (select 1 from responses r
          where r.workspace_id = ${workspaceId} and r.external_id = s.external_id))::int
        as "newResponses"`);
  return rows[0] ?? { newContacts: 0, updatedContacts: 0, newResponses: 0, suppressed: 0 };
}
