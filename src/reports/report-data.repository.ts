import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';

/** The surveys a report covers: every one that left draft, oldest first. */
export async function findReportableSurveys(db: Kysely<Database>, workspaceId: string) {
  return db
    .selectFrom('surveys')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('status', '<>', 'draft')
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/**
 * Segment properties with responses in the local days [from, to] (for surveys that declare
 * none), the first `limit` by name per survey, for all the surveys in one statement.
 */
export async function findSegmentDimensions(
  db: Kysely<Database>,
  workspaceId: string,
  surveyIds: readonly string[],
  range: { from: string; to: string },
  limit: number,
): Promise<Map<string, string[]>> {
  const found = new Map<string, string[]>(surveyIds.map((id) => [id, []]));
  if (surveyIds.length === 0) {
    return found;
  }
  const filter = sql`workspace_id = ${workspaceId} and survey_id in (${sql.join([...surveyIds])})
        and day between ${range.from}::date and ${range.to}::date and dimension <> ''`;
  const { rows } = await sql<{ survey_id: string; dimension: string }>`
    select survey_id, dimension from (
      select survey_id, dimension,
             row_number() over (partition by survey_id order by dimension) as rank
      from (
        select survey_id::text, dimension from response_rollups where ${filter}
        union
        select survey_id::text, dimension from rollup_deltas where ${filter}
      ) d
    ) r
    where rank <= ${limit}
    order by survey_id, dimension`.execute(db);
  for (const r of rows) {
    found.get(r.survey_id)?.push(r.dimension);
  }
  return found;
}

export interface QuoteTarget {
  surveyId: string;
  /** Highest score that counts as low for the survey's kind. */
  maxScore: number;
  from: Date;
  to: Date;
  segment?: { property: string; value: string };
}

/**
 * The newest `limit` commented low-score responses of each target (a survey in a range,
 * optionally one segment value), all targets in one statement; result[i] belongs to targets[i].
 */
export async function findLowScoreComments(
  db: Kysely<Database>,
  workspaceId: string,
  targets: readonly QuoteTarget[],
  limit: number,
): Promise<{ id: string; score: number; comment: string | null }[][]> {
  const result = targets.map(() => [] as { id: string; score: number; comment: string | null }[]);
  if (targets.length === 0) {
    return result;
  }
  const spec = JSON.stringify(
    targets.map((t, i) => ({
      i,
      survey_id: t.surveyId,
      max_score: t.maxScore,
      since: t.from.toISOString(),
      before: t.to.toISOString(),
      property: t.segment?.property ?? null,
      value: t.segment?.value ?? null,
    })),
  );
  const { rows } = await sql<{ i: number; id: string; score: number; comment: string | null }>`
    select t.i, c.id, c.score, c.comment
    from jsonb_to_recordset(${spec}::jsonb)
      as t(i int, survey_id uuid, max_score int, since timestamptz, before timestamptz,
           property text, value text)
    cross join lateral (
      select r.id, r.score, r.comment, r.created_at
      from counted_responses r
      where r.workspace_id = ${workspaceId} and r.survey_id = t.survey_id
        and r.created_at >= t.since and r.created_at < t.before
        and r.score <= t.max_score
        and r.comment is not null and r.comment <> ''
        and (t.property is null or left(r.segment ->> t.property, 200) = t.value)
      order by r.created_at desc, r.id
      limit ${limit}
    ) c
    order by t.i, c.created_at desc, c.id`.execute(db);
  for (const r of rows) {
    result[r.i]?.push({ id: r.id, score: r.score, comment: r.comment });
  }
  return result;
}

/** Open and in-progress improvement actions, newest first (their owners own the items they target). */
export async function findOpenActions(db: Kysely<Database>, workspaceId: string) {
  return db
    .selectFrom('improvement_actions')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('status', 'in', ['open', 'in_progress'])
    .orderBy('created_at', 'desc')
    .execute();
}

/** Follow-up cases opened in [from, to), by how their first contact met the SLA as of `asOf`. */
export async function countClosedLoop(
  db: Kysely<Database>,
  workspaceId: string,
  range: { from: Date; to: Date },
  asOf: Date,
) {
  const row = await db
    .selectFrom('followup_cases')
    .select([
      sql<string>`count(*)`.as('total'),
      sql<string>`count(*) filter (where coalesce(contacted_at, resolved_at) <= due_at)`.as(
        'within',
      ),
      sql<string>`count(*) filter (where coalesce(contacted_at, resolved_at) > due_at)`.as('late'),
      sql<string>`count(*) filter (where contacted_at is null and resolved_at is null and due_at < ${asOf})`.as(
        'past_due',
      ),
      sql<string>`count(*) filter (where contacted_at is null and resolved_at is null and due_at >= ${asOf})`.as(
        'open_within',
      ),
      sql<string>`count(*) filter (where resolved_at is not null)`.as('resolved'),
    ])
    .where('workspace_id', '=', workspaceId)
    .where('created_at', '>=', range.from)
    .where('created_at', '<', range.to)
    .executeTakeFirstOrThrow();
  return {
    total: Number(row.total),
    within: Number(row.within),
    late: Number(row.late),
    pastDue: Number(row.past_due),
    openWithin: Number(row.open_within),
    resolved: Number(row.resolved),
  };
}

/** Open follow-up cases past their SLA now, oldest first, with the owner they were given. */
export async function findOverdueCases(
  db: Kysely<Database>,
  workspaceId: string,
  asOf: Date,
  limit: number,
) {
  return db
    .selectFrom('followup_cases as f')
    .leftJoin('responses as r', 'r.id', 'f.response_id')
    .select([
      'f.id',
      'f.survey_id',
      'f.response_id',
      'f.owner_name',
      'f.owner_email',
      'f.score',
      'f.due_at',
      'r.comment',
    ])
    .where('f.workspace_id', '=', workspaceId)
    .where('f.status', '=', 'open')
    .where('f.contacted_at', 'is', null)
    .where('f.due_at', '<', asOf)
    .orderBy('f.due_at')
    .limit(limit)
    .execute();
}

/** Most frequent follow-up owner per survey: who usually handles that survey's detractors. */
export async function findUsualOwners(db: Kysely<Database>, workspaceId: string) {
  const { rows } = await sql<{ survey_id: string; owner_name: string | null; owner_email: string }>`
    select distinct on (survey_id) survey_id, owner_name, owner_email
    from followup_cases
    where workspace_id = ${workspaceId} and owner_email is not null
    group by survey_id, owner_name, owner_email
    order by survey_id, count(*) desc, owner_email`.execute(db);
  return new Map(rows.map((r) => [r.survey_id, r]));
}
