import type { Kysely } from 'kysely';
import type { Database, Survey } from '../../db/schema';
import { NotFoundError, ValidationError } from '../errors';
import { resolveLocale } from '../surveys/i18n';
import {
  findResponseRow,
  listResponseRows,
  recordCountedResponse,
  reviseResponse,
} from '../collector/response-api.service';
import type { ResponseListRow, ResponseWriteDeps } from '../collector/response-api.service';
import { isValidScore, scaleHint } from '../surveys/scales';
import { findDelightedSurvey, selectPeople } from './delighted.repository';
import type {
  CreateSurveyResponseBody,
  ListSurveyResponsesQuery,
  UpdateSurveyResponseBody,
} from './delighted.schemas';
import { resolvePerson, toPersonDto, unix } from './person.service';
import { toDelightedAnswers } from '../surveys/questions';

type Expand = ('person' | 'notes')[];

const invalid = (field: string, issue: string, location: 'body' | 'query' = 'body') =>
  new ValidationError([{ field, issue, location }]);

/** The surveys a Delighted "project" reads: `trend` names one, else the Delighted survey. */
export async function surveyForTrend(
  db: Kysely<Database>,
  workspaceId: string,
  trend: string | undefined,
): Promise<Survey | undefined> {
  if (trend) {
    const survey = await db
      .selectFrom('surveys')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', trend)
      .executeTakeFirst();
    if (!survey) {
      throw invalid('trend', 'is not a trend of this account', 'query');
    }
    return survey;
  }
  return findDelightedSurvey(db, workspaceId);
}

async function expandRows(
  db: Kysely<Database>,
  workspaceId: string,
  rows: ResponseListRow[],
  expand: Expand,
  publicUrl: string,
) {
  const contactIds = [...new Set(rows.flatMap((r) => (r.contact_id ? [r.contact_id] : [])))];
  const people =
    expand.includes('person') && contactIds.length
      ? await selectPeople(db, workspaceId).where('c.id', 'in', contactIds).execute()
      : [];
  const byId = new Map(people.map((p) => [p.id, toPersonDto(p)]));
  const notes =
    expand.includes('notes') && rows.length ? await notesFor(db, workspaceId, rows) : [];
  return rows.map((r) => ({
    id: r.id,
    person: r.contact_id ? (byId.get(r.contact_id) ?? r.contact_id) : null,
    survey_type: r.survey_kind,
    score: r.score,
    comment: r.comment,
    permalink: `${publicUrl}/api/responses/${r.id}`,
    created_at: unix(r.created_at),
    updated_at: unix(r.updated_at),
    person_properties: r.segment,
    ...(expand.includes('notes')
      ? {
          notes: notes
            .filter((n) => n.response_id === r.id)
            .map((n) => ({
              id: n.id,
              text: n.body,
              user_email: null,
              created_at: unix(n.created_at),
            })),
        }
      : {}),
    tags: r.tags,
    additional_answers: toDelightedAnswers(r.id, r.answers),
  }));
}

async function notesFor(db: Kysely<Database>, workspaceId: string, rows: ResponseListRow[]) {
  return db
    .selectFrom('followup_notes as n')
    .innerJoin('followup_cases as c', 'c.id', 'n.case_id')
    .select(['n.id', 'n.body', 'n.created_at', 'c.response_id'])
    .where('n.workspace_id', '=', workspaceId)
    .where(
      'c.response_id',
      'in',
      rows.map((r) => r.id),
    )
    .orderBy('n.created_at')
    .execute();
}

export async function listSurveyResponses(
  db: Kysely<Database>,
  workspaceId: string,
  publicUrl: string,
  q: ListSurveyResponsesQuery,
) {
  const survey = await surveyForTrend(db, workspaceId, q.trend);
  if (!survey || (q.person_id && !/^[0-9a-f-]{36}$/i.test(q.person_id))) {
    return [];
  }
  const [direction, column] = q.order.split(':') as ['asc' | 'desc', string | undefined];
  // Delighted lists what Glas counts: confirmed, not flagged as a scanner (counted_responses).
  const rows = await listResponseRows(
    db,
    workspaceId,
    {
      status: 'counted',
      flagged: false,
      surveyId: survey.id,
      since: q.since,
      createdThrough: q.until,
      updatedSince: q.updated_since,
      updatedThrough: q.updated_until,
      contactId: q.person_id,
      contactEmail: q.person_email,
    },
    {
      orderBy: column === 'updated_at' ? 'updated_at' : 'created_at',
      direction,
      limit: q.per_page,
      offset: (q.page - 1) * q.per_page,
    },
  );
  return expandRows(db, workspaceId, rows, q.expand, publicUrl);
}

async function requireResponse(db: Kysely<Database>, workspaceId: string, id: string) {
  const row = /^[0-9a-f-]{36}$/i.test(id) ? await findResponseRow(db, workspaceId, id) : undefined;
  if (!row) {
    throw new NotFoundError('response_not_found', 'No such survey response.');
  }
  return row;
}

export async function getSurveyResponse(
  db: Kysely<Database>,
  workspaceId: string,
  publicUrl: string,
  id: string,
  expand: Expand,
) {
  const row = await requireResponse(db, workspaceId, id);
  const [dto] = await expandRows(db, workspaceId, [row], expand, publicUrl);
  return dto;
}

function checkScore(kind: Survey['kind'], score: number) {
  if (!isValidScore(kind, score)) {
    throw invalid('score', `must be ${scaleHint(kind)}`);
  }
}

/**
 * POST /v1/survey_responses: a response collected outside Glas for a known person. It counts
 * at once and has the same effects as one given in an email (webhooks, follow-up case).
 */
export async function createSurveyResponse(
  deps: ResponseWriteDeps & { publicUrl: string },
  workspaceId: string,
  body: CreateSurveyResponseBody,
  expand: Expand,
) {
  const survey = await findDelightedSurvey(deps.db, workspaceId);
  if (!survey) {
    throw invalid('survey', 'this account has no active NPS survey to record responses in');
  }
  checkScore(survey.kind, body.score);
  const now = deps.clock.now();
  if (body.created_at && body.created_at > now) {
    throw invalid('created_at', 'is in the future');
  }
  const contact = await resolvePerson(deps.db, workspaceId, { id: body.person }).catch(() => {
    throw invalid('person', 'is not a person of this account');
  });
  const createdAt = body.created_at ?? now;
  const id = await recordCountedResponse(deps, workspaceId, {
    surveyId: survey.id,
    kind: survey.kind,
    contactId: contact.id,
    score: body.score,
    comment: body.comment?.trim() || null,
    locale: resolveLocale(contact.locale, 'en'),
    segment: { ...contact.properties, ...(body.person_properties ?? {}) },
    createdAt,
  });
  return getSurveyResponse(deps.db, workspaceId, deps.publicUrl, id, expand);
}

/** PUT /v1/survey_responses/:id: changes score, comment or properties; announces the update. */
export async function updateSurveyResponse(
  deps: ResponseWriteDeps & { publicUrl: string },
  workspaceId: string,
  id: string,
  body: UpdateSurveyResponseBody,
  expand: Expand,
) {
  const current = await requireResponse(deps.db, workspaceId, id);
  if (body.score !== undefined) {
    checkScore(current.survey_kind, body.score);
  }
  if (body.person !== undefined && body.person !== current.contact_id) {
    throw invalid('person', 'cannot be changed');
  }
  await reviseResponse(deps, workspaceId, id, current.survey_kind, (before) => ({
    ...(body.score !== undefined ? { score: body.score } : {}),
    ...(body.comment !== undefined ? { comment: body.comment?.trim() || null } : {}),
    ...(body.person_properties
      ? { segment: JSON.stringify({ ...before.segment, ...body.person_properties }) }
      : {}),
    updated_at: deps.clock.now(),
  }));
  return getSurveyResponse(deps.db, workspaceId, deps.publicUrl, id, expand);
}
