import { sql } from 'kysely';
import type { Kysely, Updateable } from 'kysely';
import type { Database, JsonObject, Response, SurveyKind } from '../../db/schema';
import type { ResponsesTable } from '../../db/schema/responses';
import type { StoredAnswer } from '../surveys/questions';

export type ResponseRow = Response;

/** Locks the response of one invitation for the rest of the transaction. */
export async function lockResponseByInvitation(
  db: Kysely<Database>,
  workspaceId: string,
  invitationId: string,
): Promise<ResponseRow | undefined> {
  return db
    .selectFrom('responses')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('invitation_id', '=', invitationId)
    .forUpdate()
    .executeTakeFirst();
}

export async function lockResponseById(
  db: Kysely<Database>,
  workspaceId: string,
  id: string,
): Promise<ResponseRow | undefined> {
  return db
    .selectFrom('responses')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

/** Inserts the first response of an invitation; undefined when a parallel request won the race. */
export async function insertInvitationResponse(
  db: Kysely<Database>,
  values: {
    workspaceId: string;
    surveyId: string;
    invitationId: string;
    contactId: string | null;
    score: number;
    locale: string;
    now: Date;
  },
): Promise<ResponseRow | undefined> {
  return db
    .insertInto('responses')
    .values((eb) => ({
      workspace_id: values.workspaceId,
      survey_id: values.surveyId,
      invitation_id: values.invitationId,
      contact_id: values.contactId,
      score: values.score,
      comment: null,
      locale: values.locale,
      segment: eb
        .selectFrom('invitations')
        .select('segment')
        .where('id', '=', values.invitationId)
        .where('workspace_id', '=', values.workspaceId),
      source: 'link',
      status: 'provisional',
      created_at: values.now,
      updated_at: values.now,
    }))
    .onConflict((oc) => oc.column('invitation_id').doNothing())
    .returningAll()
    .executeTakeFirst();
}

/**
 * A form post in one statement (`glas_record_form_answer`, see its migration): the response
 * as it was when locked (undefined when it did not exist) and as the post left it.
 */
export async function storeFormAnswer(
  db: Kysely<Database>,
  a: {
    workspaceId: string;
    invitationId: string;
    surveyId: string;
    contactId: string | null;
    score: number;
    /** undefined keeps the stored comment. */
    comment: string | null | undefined;
    /** The additional answers replacing the stored ones; undefined keeps them. */
    answers?: readonly object[] | undefined;
    locale: string;
    now: Date;
  },
): Promise<{ before: ResponseRow | undefined; after: ResponseRow }> {
  const { rows } = await sql<ResponseRow>`
    select * from glas_record_form_answer(${a.workspaceId}, ${a.invitationId}, ${a.surveyId},
      ${a.contactId}, ${a.score}, ${a.comment === undefined}, ${a.comment ?? null}, ${a.locale},
      ${a.now}, ${a.answers === undefined ? null : JSON.stringify(a.answers)}::jsonb)`.execute(db);
  const after = rows[rows.length - 1];
  if (!after) {
    throw new Error('form answer stored nothing');
  }
  return { before: rows.length > 1 ? rows[0] : undefined, after };
}

export async function updateResponse(
  db: Kysely<Database>,
  workspaceId: string,
  id: string,
  patch: Updateable<ResponsesTable>,
): Promise<ResponseRow> {
  return db
    .updateTable('responses')
    .set(patch)
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function insertLinkFetch(
  db: Kysely<Database>,
  row: {
    workspaceId: string;
    invitationId: string;
    kind: 'score' | 'honeypot' | 'page' | 'form';
    score?: number;
    at: Date;
  },
): Promise<void> {
  await db
    .insertInto('link_fetches')
    .values({
      workspace_id: row.workspaceId,
      invitation_id: row.invitationId,
      kind: row.kind,
      score: row.score ?? null,
      created_at: row.at,
    })
    .execute();
}

/** Whether the invitation's hidden honeypot link was fetched between `from` and `to`. */
export async function honeypotHitBetween(
  db: Kysely<Database>,
  workspaceId: string,
  invitationId: string,
  from: Date,
  to: Date,
): Promise<boolean> {
  const row = await db
    .selectFrom('link_fetches')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('invitation_id', '=', invitationId)
    .where('kind', '=', 'honeypot')
    .where('created_at', '>=', from)
    .where('created_at', '<=', to)
    .limit(1)
    .executeTakeFirst();
  return !!row;
}

/** A response collected outside Glas (an API call): it counts from the start. */
export async function insertCountedResponse(
  db: Kysely<Database>,
  values: {
    workspaceId: string;
    surveyId: string;
    contactId: string;
    score: number;
    comment: string | null;
    locale: string;
    segment: JsonObject;
    now: Date;
    createdAt: Date;
  },
): Promise<ResponseRow> {
  return db
    .insertInto('responses')
    .values({
      workspace_id: values.workspaceId,
      survey_id: values.surveyId,
      contact_id: values.contactId,
      score: values.score,
      comment: values.comment,
      locale: values.locale,
      segment: JSON.stringify(values.segment),
      source: 'api',
      status: 'counted',
      confirmed_at: values.now,
      created_at: values.createdAt,
      updated_at: values.createdAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findSurveyKinds(
  db: Kysely<Database>,
  workspaceId: string,
  surveyIds: string[],
): Promise<Map<string, SurveyKind>> {
  if (surveyIds.length === 0) {
    return new Map();
  }
  const rows = await db
    .selectFrom('surveys')
    .select(['id', 'kind'])
    .where('workspace_id', '=', workspaceId)
    .where('id', 'in', surveyIds)
    .execute();
  return new Map(rows.map((r) => [r.id, r.kind]));
}

/** The current additional questions of these surveys, by survey id. */
export async function findSurveyQuestions(
  db: Kysely<Database>,
  workspaceId: string,
  surveyIds: string[],
): Promise<Map<string, unknown>> {
  if (surveyIds.length === 0) {
    return new Map();
  }
  const rows = await db
    .selectFrom('surveys')
    .select(['id', 'questions'])
    .where('workspace_id', '=', workspaceId)
    .where('id', 'in', surveyIds)
    .execute();
  return new Map(rows.map((r) => [r.id, r.questions]));
}

/** A response's additional answers in the order asked, each with its question as asked. */
export async function findResponseAnswers(
  db: Kysely<Database>,
  workspaceId: string,
  responseId: string,
): Promise<StoredAnswer[]> {
  const rows = await db
    .selectFrom('response_answers')
    .select(['question_id', 'question_version', 'question', 'value'])
    .where('workspace_id', '=', workspaceId)
    .where('response_id', '=', responseId)
    .orderBy('position')
    .execute();
  return rows.map((r) => ({
    questionId: r.question_id,
    questionVersion: r.question_version,
    question: r.question as unknown as StoredAnswer['question'],
    value: r.value as StoredAnswer['value'],
  }));
}

/** Stores the additional answers of responses just written (in the writer's transaction). */
export async function insertResponseAnswers(
  db: Kysely<Database>,
  workspaceId: string,
  rows: { responseId: string; answers: StoredAnswer[]; at: Date }[],
): Promise<void> {
  const values = rows.flatMap((r) =>
    r.answers.map((a, i) => ({
      workspace_id: workspaceId,
      response_id: r.responseId,
      question_id: a.questionId,
      position: i + 1,
      question_version: a.questionVersion,
      question: JSON.stringify(a.question),
      value: JSON.stringify(a.value),
      created_at: r.at,
    })),
  );
  if (values.length > 0) {
    await db.insertInto('response_answers').values(values).execute();
  }
}

export async function findContactIdsByEmail(
  db: Kysely<Database>,
  workspaceId: string,
  emails: string[],
): Promise<Map<string, string>> {
  if (emails.length === 0) {
    return new Map();
  }
  const rows = await db
    .selectFrom('contacts')
    .select(['id', sql<string>`lower(email)`.as('email')])
    .where('workspace_id', '=', workspaceId)
    .where(
      sql<string>`lower(email)`,
      'in',
      emails.map((e) => e.toLowerCase()),
    )
    .execute();
  return new Map(rows.map((r) => [r.email, r.id]));
}

export interface ImportedResponse {
  surveyId: string;
  contactId: string | null;
  score: number;
  comment: string | null;
  locale: string;
  segment: JsonObject;
  externalId: string | null;
  createdAt: Date;
}

/** Inserts imported responses; rows whose external id is already present are skipped. */
export async function insertImportedResponses(
  db: Kysely<Database>,
  workspaceId: string,
  rows: ImportedResponse[],
  now: Date,
): Promise<ResponseRow[]> {
  if (rows.length === 0) {
    return [];
  }
  return db
    .insertInto('responses')
    .values(
      rows.map((r) => ({
        workspace_id: workspaceId,
        survey_id: r.surveyId,
        invitation_id: null,
        contact_id: r.contactId,
        score: r.score,
        comment: r.comment,
        locale: r.locale,
        segment: JSON.stringify(r.segment),
        source: 'import',
        status: 'counted' as const,
        confirmed_at: now,
        confirmed_via: 'import' as const,
        external_id: r.externalId,
        created_at: r.createdAt,
        updated_at: r.createdAt,
      })),
    )
    .onConflict((oc) =>
      oc.columns(['workspace_id', 'external_id']).where('external_id', 'is not', null).doNothing(),
    )
    .returningAll()
    .execute();
}
