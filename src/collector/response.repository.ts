import { sql } from 'kysely';
import type { Kysely, Updateable } from 'kysely';
import type { Database, JsonObject, Response, SurveyKind } from '../../db/schema';
import type { ResponsesTable } from '../../db/schema/responses';
import { afterCursor } from '../platform/cursor';

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

/** The answer given through an invitation so far, if any (no lock: for showing it). */
export async function findInvitationAnswer(
  db: Kysely<Database>,
  workspaceId: string,
  invitationId: string,
) {
  return db
    .selectFrom('responses')
    .select(['score', 'comment', 'status'])
    .where('invitation_id', '=', invitationId)
    .where('workspace_id', '=', workspaceId)
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

export interface ResponseFilters {
  surveyId?: string | undefined;
  since?: Date | undefined;
  until?: Date | undefined;
  minScore?: number | undefined;
  maxScore?: number | undefined;
  category?: 'promoter' | 'passive' | 'detractor' | undefined;
  hasComment?: boolean | undefined;
  segment?: { property: string; value: string } | undefined;
  flagged?: boolean | undefined;
  status?: 'provisional' | 'counted' | undefined;
  /** Inclusive bounds, as Delighted's `until`, `updated_since` and `updated_until` are. */
  createdThrough?: Date | undefined;
  updatedSince?: Date | undefined;
  updatedThrough?: Date | undefined;
  contactId?: string | undefined;
  contactEmail?: string | undefined;
}

export interface ResponseCursor {
  createdAt: Date;
  id: string;
}

/** Rows of the response list and export: the response plus its survey kind and contact. */
export function selectResponses(db: Kysely<Database>, workspaceId: string, f: ResponseFilters) {
  let q = db
    .selectFrom('responses as r')
    .innerJoin('surveys as s', 's.id', 'r.survey_id')
    .leftJoin('contacts as c', 'c.id', 'r.contact_id')
    .selectAll('r')
    .select([
      's.kind as survey_kind',
      's.name as survey_name',
      'c.email as contact_email',
      'c.name as contact_name',
    ])
    .where('r.workspace_id', '=', workspaceId);
  if (f.surveyId) {
    q = q.where('r.survey_id', '=', f.surveyId);
  }
  if (f.since) {
    q = q.where('r.created_at', '>=', f.since);
  }
  if (f.until) {
    q = q.where('r.created_at', '<', f.until);
  }
  if (f.minScore !== undefined) {
    q = q.where('r.score', '>=', f.minScore);
  }
  if (f.maxScore !== undefined) {
    q = q.where('r.score', '<=', f.maxScore);
  }
  if (f.category) {
    const [lo, hi] = CATEGORY_RANGES[f.category];
    // NOTE: promoter/passive/detractor are NPS words; CSAT and CES never match them.
    q = q.where('s.kind', '=', 'nps').where('r.score', '>=', lo).where('r.score', '<=', hi);
  }
  if (f.hasComment !== undefined) {
    q = f.hasComment
      ? q.where(sql<boolean>`coalesce(length(r.comment), 0) > 0`)
      : q.where(sql<boolean>`coalesce(length(r.comment), 0) = 0`);
  }
  if (f.segment) {
    q = q.where(sql<boolean>`r.segment ->> ${f.segment.property} = ${f.segment.value}`);
  }
  if (f.flagged !== undefined) {
    q = q.where('r.flagged', '=', f.flagged);
  }
  if (f.status) {
    q = q.where('r.status', '=', f.status);
  }
  if (f.createdThrough) {
    q = q.where('r.created_at', '<=', f.createdThrough);
  }
  if (f.updatedSince) {
    q = q.where('r.updated_at', '>=', f.updatedSince);
  }
  if (f.updatedThrough) {
    q = q.where('r.updated_at', '<=', f.updatedThrough);
  }
  if (f.contactId) {
    q = q.where('r.contact_id', '=', f.contactId);
  }
  if (f.contactEmail) {
    q = q.where(sql<string>`lower(c.email)`, '=', f.contactEmail.toLowerCase());
  }
  return q;
}

const CATEGORY_RANGES = {
  promoter: [9, 10],
  passive: [7, 8],
  detractor: [0, 6],
} as const;

export type ResponseListRow = Awaited<
  ReturnType<ReturnType<typeof selectResponses>['executeTakeFirstOrThrow']>
>;

/** One keyset page, newest first: (created_at, id) below the cursor. */
export async function findResponsePage(
  db: Kysely<Database>,
  workspaceId: string,
  f: ResponseFilters,
  limit: number,
  cursor?: ResponseCursor,
  order: 'desc' | 'asc' = 'desc',
): Promise<ResponseListRow[]> {
  let q = selectResponses(db, workspaceId, f);
  if (cursor) {
    q = q.where(afterCursor(cursor, order === 'desc' ? '<' : '>', 'r'));
  }
  return q.orderBy('r.created_at', order).orderBy('r.id', order).limit(limit).execute();
}

/** One numbered page (Delighted's `page` and `per_page`), ordered by creation or last update. */
export async function findResponsePageAt(
  db: Kysely<Database>,
  workspaceId: string,
  f: ResponseFilters,
  page: {
    orderBy: 'created_at' | 'updated_at';
    direction: 'asc' | 'desc';
    limit: number;
    offset: number;
  },
): Promise<ResponseListRow[]> {
  return selectResponses(db, workspaceId, f)
    .orderBy(page.orderBy === 'updated_at' ? 'r.updated_at' : 'r.created_at', page.direction)
    .orderBy('r.id', page.direction)
    .limit(page.limit)
    .offset(page.offset)
    .execute();
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

export async function findResponseById(db: Kysely<Database>, workspaceId: string, id: string) {
  return selectResponses(db, workspaceId, {}).where('r.id', '=', id).executeTakeFirst();
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
