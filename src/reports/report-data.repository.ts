import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';

/** Segment properties with responses in the range (when a survey declares none). */
export async function findSegmentDimensions(
  db: Kysely<Database>,
  workspaceId: string,
  surveyId: string,
  from: string,
  to: string,
  limit: number,
): Promise<string[]> {
  const { rows } = await sql<{ dimension: string }>`
    select dimension from (
      select dimension from response_rollups
      where workspace_id = ${workspaceId} and survey_id = ${surveyId}
        and day between ${from}::date and ${to}::date and dimension <> ''
      union
      select dimension from rollup_deltas
      where workspace_id = ${workspaceId} and survey_id = ${surveyId}
        and day between ${from}::date and ${to}::date and dimension <> ''
    ) d order by dimension limit ${limit}`.execute(db);
  return rows.map((r) => r.dimension);
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
