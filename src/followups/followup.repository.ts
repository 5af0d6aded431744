import { sql } from 'kysely';
import type { Kysely, Updateable } from 'kysely';
import type { Database, FollowupStatus } from '../../db/schema';
import type { FollowupCasesTable } from '../../db/schema/followup-cases';
import { afterCursor } from '../platform/cursor';
import { RECOVERED_MIN } from '../surveys/scales';

const recoveredMinValues = sql.join(
  Object.entries(RECOVERED_MIN).map(([k, m]) => sql`(${k}, ${m}::int)`),
);

export async function findRules(db: Kysely<Database>, workspaceId: string) {
  return db
    .selectFrom('followup_rules')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('position')
    .orderBy('created_at')
    .execute();
}

export async function insertRule(
  db: Kysely<Database>,
  values: {
    workspaceId: string;
    property: string | null;
    value: string | null;
    ownerEmail: string;
    ownerName: string | null;
    slaHours: number;
    position: number;
    now: Date;
  },
) {
  return db
    .insertInto('followup_rules')
    .values({
      workspace_id: values.workspaceId,
      property: values.property,
      value: values.value,
      owner_email: values.ownerEmail,
      owner_name: values.ownerName,
      sla_hours: values.slaHours,
      position: values.position,
      created_at: values.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function deleteRule(
  db: Kysely<Database>,
  workspaceId: string,
  id: string,
): Promise<boolean> {
  const r = await db
    .deleteFrom('followup_rules')
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
  return r.numDeletedRows > 0n;
}

/** Opens the case for a response unless one exists (unique response_id). */
export async function insertCase(
  db: Kysely<Database>,
  values: {
    workspaceId: string;
    surveyId: string;
    responseId: string;
    contactId: string | null;
    ruleId: string | null;
    ownerEmail: string | null;
    ownerName: string | null;
    score: number;
    dueAt: Date;
    now: Date;
  },
) {
  return db
    .insertInto('followup_cases')
    .values({
      workspace_id: values.workspaceId,
      survey_id: values.surveyId,
      response_id: values.responseId,
      contact_id: values.contactId,
      rule_id: values.ruleId,
      owner_email: values.ownerEmail,
      owner_name: values.ownerName,
      score: values.score,
      due_at: values.dueAt,
      created_at: values.now,
      updated_at: values.now,
    })
    .onConflict((oc) => oc.column('response_id').doNothing())
    .returningAll()
    .executeTakeFirst();
}

export function selectCases(db: Kysely<Database>, workspaceId: string) {
  return db
    .selectFrom('followup_cases as f')
    .innerJoin('responses as r', 'r.id', 'f.response_id')
    .innerJoin('surveys as s', 's.id', 'f.survey_id')
    .leftJoin('contacts as c', 'c.id', 'f.contact_id')
    .selectAll('f')
    .select([
      'r.comment',
      'r.score as current_score',
      's.kind',
      's.name as survey_name',
      'c.email as contact_email',
      'c.name as contact_name',
    ])
    .where('f.workspace_id', '=', workspaceId);
}

export type CaseRow = Awaited<
  ReturnType<ReturnType<typeof selectCases>['executeTakeFirstOrThrow']>
>;

export async function findCasePage(
  db: Kysely<Database>,
  workspaceId: string,
  f: {
    status?: FollowupStatus | undefined;
    owner?: string | undefined;
    surveyId?: string | undefined;
    overdue?: boolean | undefined;
    now: Date;
  },
  limit: number,
  cursor?: { createdAt: Date; id: string },
): Promise<CaseRow[]> {
  let q = selectCases(db, workspaceId);
  if (f.status) {
    q = q.where('f.status', '=', f.status);
  }
  if (f.owner) {
    q = q.where(sql<boolean>`lower(f.owner_email) = ${f.owner.toLowerCase()}`);
  }
  if (f.surveyId) {
    q = q.where('f.survey_id', '=', f.surveyId);
  }
  if (f.overdue !== undefined) {
    const overdue = sql<boolean>`(f.status = 'open' and f.due_at < ${f.now})`;
    q = f.overdue ? q.where(overdue) : q.where(sql<boolean>`not ${overdue}`);
  }
  if (cursor) {
    q = q.where(afterCursor(cursor, '<', 'f'));
  }
  return q.orderBy('f.created_at', 'desc').orderBy('f.id', 'desc').limit(limit).execute();
}

export async function findCaseById(db: Kysely<Database>, workspaceId: string, id: string) {
  return selectCases(db, workspaceId).where('f.id', '=', id).executeTakeFirst();
}

export async function lockCase(db: Kysely<Database>, workspaceId: string, id: string) {
  return db
    .selectFrom('followup_cases')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

export async function updateCase(
  db: Kysely<Database>,
  workspaceId: string,
  id: string,
  patch: Updateable<FollowupCasesTable>,
): Promise<void> {
  await db
    .updateTable('followup_cases')
    .set(patch)
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .execute();
}

export async function findNotes(db: Kysely<Database>, workspaceId: string, caseId: string) {
  return db
    .selectFrom('followup_notes')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('case_id', '=', caseId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export async function insertNote(
  db: Kysely<Database>,
  values: { workspaceId: string; caseId: string; body: string; authorKeyId: string; now: Date },
) {
  return db
    .insertInto('followup_notes')
    .values({
      workspace_id: values.workspaceId,
      case_id: values.caseId,
      body: values.body,
      author_key_id: values.authorKeyId,
      created_at: values.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Claims the owner alert of a case; only one caller gets the row. */
export async function claimCaseAlert(
  db: Kysely<Database>,
  workspaceId: string,
  id: string,
  now: Date,
): Promise<boolean> {
  const r = await db
    .updateTable('followup_cases')
    .set({ alert_sent_at: now })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .where('alert_sent_at', 'is', null)
    .where('owner_email', 'is not', null)
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

export async function releaseCaseAlert(
  db: Kysely<Database>,
  workspaceId: string,
  id: string,
): Promise<void> {
  await db
    .updateTable('followup_cases')
    .set({ alert_sent_at: null })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .execute();
}

/** The owner alert of a new case, for the outbox relay (same transaction as the case). */
export async function insertAlertOutboxRow(
  db: Kysely<Database>,
  workspaceId: string,
  caseId: string,
  now: Date,
): Promise<void> {
  await db
    .insertInto('outbox')
    .values({
      workspace_id: workspaceId,
      topic: 'followup-alert',
      aggregate_id: caseId,
      available_at: now,
      created_at: now,
    })
    .execute();
}

export interface RecoveryRow {
  period_start: Date;
  cases: string;
  contacted: string;
  contacted_within_sla: string;
  median_hours_to_contact: number | null;
  resolved: string;
  resurveyed: string;
  resurvey_mean_score: number | null;
  recovered: string;
}

/**
 * Recovery figures per period, in SQL: cases opened in the period, share contacted within
 * their SLA, median hours to first contact, and the contact's next counted response to the
 * same survey after resolution (the re-survey), if any.
 */
export async function recoveryByPeriod(
  db: Kysely<Database>,
  workspaceId: string,
  f: { period: 'week' | 'month'; since: Date; until: Date; surveyId?: string | undefined },
): Promise<RecoveryRow[]> {
  const surveyFilter = f.surveyId ? sql`and f.survey_id = ${f.surveyId}` : sql``;
  const result = await sql<RecoveryRow>`
    with c as (
      select f.*,
        (select cr.score from counted_responses cr
          where cr.workspace_id = f.workspace_id and cr.survey_id = f.survey_id
            and cr.contact_id = f.contact_id and f.resolved_at is not null
            and cr.created_at > f.resolved_at
          order by cr.created_at limit 1) as resurvey_score,
        s.kind
      from followup_cases f join surveys s on s.id = f.survey_id
      where f.workspace_id = ${workspaceId}
        and f.created_at >= ${f.since} and f.created_at < ${f.until} ${surveyFilter}
    )
    select date_trunc(${f.period}, created_at, 'UTC') as period_start,
      count(*) as cases,
      count(*) filter (where contacted_at is not null) as contacted,
      count(*) filter (where contacted_at is not null and contacted_at <= due_at) as contacted_within_sla,
      percentile_cont(0.5) within group (
        order by extract(epoch from (contacted_at - created_at)) / 3600.0
      ) filter (where contacted_at is not null) as median_hours_to_contact,
      count(*) filter (where status = 'resolved') as resolved,
      count(resurvey_score) as resurveyed,
      avg(resurvey_score)::float8 as resurvey_mean_score,
      count(*) filter (where resurvey_score >= (
        select m from (values ${recoveredMinValues}) as v(k, m) where v.k = kind)) as recovered
    from c
    group by 1
    order by 1
  `.execute(db);
  return result.rows;
}
