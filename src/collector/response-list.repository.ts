import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { afterCursor } from '../platform/cursor';
import type { Database } from '../../db/schema';
import type { StoredAnswer } from '../surveys/questions';

// The response list as the API, the dashboard, exports and /v1 filter and page it.

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

/**
 * A response's additional answers in the order they were asked, each with the question as it
 * was shown (`StoredAnswer` of src/surveys/questions.ts); null when there are none.
 */
export function answersOf(responseId: 'r.id' | 'responses.id') {
  return sql<StoredAnswer[] | null>`(select jsonb_agg(jsonb_build_object(
      'questionId', a.question_id, 'questionVersion', a.question_version,
      'question', a.question, 'value', a.value) order by a.position)
    from response_answers a where a.response_id = ${sql.ref(responseId)})`;
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
      answersOf('r.id').as('answers'),
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
    // NOTE: promoter/passive/detractor are NPS words (NPS and eNPS); other kinds never match them.
    q = q
      .where('s.kind', 'in', ['nps', 'enps'])
      .where('r.score', '>=', lo)
      .where('r.score', '<=', hi);
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
export interface NumberedPage {
  orderBy: 'created_at' | 'updated_at';
  direction: 'asc' | 'desc';
  limit: number;
  offset: number;
}

export async function findResponsePageAt(
  db: Kysely<Database>,
  workspaceId: string,
  f: ResponseFilters,
  page: NumberedPage,
): Promise<ResponseListRow[]> {
  return selectResponses(db, workspaceId, f)
    .orderBy(page.orderBy === 'updated_at' ? 'r.updated_at' : 'r.created_at', page.direction)
    .orderBy('r.id', page.direction)
    .limit(page.limit)
    .offset(page.offset)
    .execute();
}

/** One response as the list shows it. */
export async function findResponseById(db: Kysely<Database>, workspaceId: string, id: string) {
  return selectResponses(db, workspaceId, {}).where('r.id', '=', id).executeTakeFirst();
}
