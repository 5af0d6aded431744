import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { Clock } from '../clock';
import { NotFoundError, ValidationError } from '../errors';
import type { ErrorDetail } from '../errors';
import type { Logger } from '../logger';
import { decodeCursor, pageOf } from '../platform/cursor';
import { messagesFor, resolveLocale } from '../surveys/i18n';
import { scoreLabel } from '../surveys/texts';
import { applyResponseEffects } from './response-effects';
import type { EffectDeps } from './response-effects';
import { findResponseById, findResponsePage } from './response-list.repository';
import type { ResponseFilters, ResponseListRow } from './response-list.repository';
import {
  findContactIdsByEmail,
  findSurveyKinds,
  findSurveyQuestions,
  insertImportedResponses,
  insertResponseAnswers,
  lockResponseById,
  updateResponse,
} from './response.repository';
import { toResponseDto } from './response.schemas';
import type {
  ImportResponsesBody,
  ListResponsesQuery,
  PatchResponseBody,
  ResponseDto,
} from './response.schemas';
import { isValidScore, scaleHint } from '../surveys/scales';
import {
  AnswerError,
  answerText,
  localizeQuestion,
  parseAnswers,
  storedQuestions,
  toAnswerDto,
} from '../surveys/questions';
import type { StoredAnswer } from '../surveys/questions';

export interface ResponseDeps extends EffectDeps {
  db: Kysely<Database>;
  logger?: Logger;
  config: EffectDeps['config'];
}

export function toFilters(q: ListResponsesQuery): ResponseFilters {
  return {
    surveyId: q.surveyId,
    since: q.since ? new Date(q.since) : undefined,
    until: q.until ? new Date(q.until) : undefined,
    minScore: q.minScore,
    maxScore: q.maxScore,
    category: q.category,
    hasComment: q.hasComment,
    segment:
      q.segmentProperty && q.segmentValue
        ? { property: q.segmentProperty, value: q.segmentValue }
        : undefined,
    flagged: q.flagged,
    status: q.status,
  };
}

export async function listResponses(
  db: Kysely<Database>,
  workspaceId: string,
  q: ListResponsesQuery,
): Promise<{ data: ResponseDto[]; nextCursor: string | null }> {
  const limit = q.limit ?? 50;
  const rows = await findResponsePage(
    db,
    workspaceId,
    toFilters(q),
    limit + 1,
    decodeCursor(q.cursor),
  );
  const page = pageOf(rows, limit);
  return { data: page.rows.map(toResponseDto), nextCursor: page.nextCursor };
}

export async function getResponse(
  db: Kysely<Database>,
  workspaceId: string,
  id: string,
): Promise<ResponseDto> {
  const row = await findResponseById(db, workspaceId, id);
  if (!row) {
    throw new NotFoundError('response_not_found', 'No such response in this workspace.');
  }
  return toResponseDto(row);
}

/**
 * A manager flags a response (excluded from scores) or unflags it (re-included). Unflagging
 * is a human review, so it also confirms a provisional response.
 */
export async function reviewResponse(
  deps: ResponseDeps,
  workspaceId: string,
  id: string,
  body: PatchResponseBody,
): Promise<ResponseDto> {
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    const current = await lockResponseById(trx, workspaceId, id);
    if (!current) {
      throw new NotFoundError('response_not_found', 'No such response in this workspace.');
    }
    const kinds = await findSurveyKinds(trx, workspaceId, [current.survey_id]);
    const kind = kinds.get(current.survey_id) ?? 'nps';
    const updated = await updateResponse(
      trx,
      workspaceId,
      id,
      body.flagged
        ? {
            flagged: true,
            flag_reason: current.flagged ? current.flag_reason : 'manual',
            flagged_at: current.flagged ? current.flagged_at : now,
            reviewed_at: now,
          }
        : {
            flagged: false,
            reviewed_at: now,
            ...(current.status === 'provisional'
              ? { status: 'counted', confirmed_at: now, confirmed_via: 'review' }
              : {}),
          },
    );
    await applyResponseEffects(trx, deps, kind, current, updated);
  });
  return getResponse(deps.db, workspaceId, id);
}

const ANSWER_ISSUES: Record<AnswerError['issue']['kind'], string> = {
  notAnOption: 'not an option of this question',
  tooManyChoices: 'more choices than the question allows',
  hidden: "this question's condition hides it for this score",
  outOfScale: 'outside the scale',
  tooLong: 'too long',
};

/**
 * Loads responses collected elsewhere with their original timestamps. They count at once
 * (the other tool already decided), announce no webhooks and open no cases: it is history.
 * The same `externalId` imported twice is skipped, so a retried import adds nothing.
 */
export async function importResponses(
  db: Kysely<Database>,
  clock: Clock,
  workspaceId: string,
  body: ImportResponsesBody,
): Promise<{ imported: number; skipped: number; ids: string[] }> {
  const now = clock.now();
  const kinds = await findSurveyKinds(db, workspaceId, [
    ...new Set(body.responses.map((r) => r.surveyId)),
  ]);
  const details: ErrorDetail[] = [];
  body.responses.forEach((r, i) => {
    const kind = kinds.get(r.surveyId);
    if (!kind) {
      details.push({ field: `responses.${i}.surveyId`, issue: 'No such survey', location: 'body' });
    } else if (!isValidScore(kind, r.score)) {
      details.push({
        field: `responses.${i}.score`,
        issue: `must be ${scaleHint(kind)} for a ${kind} survey`,
        location: 'body',
      });
    }
    if (new Date(r.createdAt) > now) {
      details.push({
        field: `responses.${i}.createdAt`,
        issue: 'is in the future',
        location: 'body',
      });
    }
  });
  // Only an import that carries answers reads the questions (one statement more).
  const withAnswers = body.responses.some((r) => r.answers && Object.keys(r.answers).length > 0);
  const questionSets = withAnswers
    ? await findSurveyQuestions(db, workspaceId, [
        ...new Set(body.responses.map((r) => r.surveyId)),
      ])
    : new Map<string, unknown>();
  const answers: StoredAnswer[][] = body.responses.map((r, i) => {
    if (!r.answers || !kinds.has(r.surveyId)) {
      return [];
    }
    // The snapshot keeps the text the person was asked in, where their language is given.
    const questions = storedQuestions(questionSets.get(r.surveyId)).map((q) =>
      r.locale ? localizeQuestion(q, r.locale) : q,
    );
    const known = new Set(questions.map((q) => q.id));
    for (const id of Object.keys(r.answers)) {
      if (!known.has(id)) {
        details.push({
          field: `responses.${i}.answers.${id}`,
          issue: 'no such question in this survey',
          location: 'body',
        });
      }
    }
    try {
      return parseAnswers(questions, r.score, r.answers);
    } catch (err) {
      if (!(err instanceof AnswerError)) {
        throw err;
      }
      details.push({
        field: `responses.${i}.answers.${err.question.id}`,
        issue: ANSWER_ISSUES[err.issue.kind],
        location: 'body',
      });
      return [];
    }
  });
  const externalIds = body.responses.map((r) => r.externalId).filter((x) => x !== undefined);
  if (new Set(externalIds).size !== externalIds.length) {
    details.push({
      field: 'responses',
      issue: 'externalId repeated in one import',
      location: 'body',
    });
  }
  if (details.length > 0) {
    throw new ValidationError(details);
  }
  const contacts = await findContactIdsByEmail(db, workspaceId, [
    ...new Set(body.responses.flatMap((r) => (r.email ? [r.email] : []))),
  ]);
  const write = async (trx: Kysely<Database>) => {
    const rows = await insertImportedResponses(
      trx,
      workspaceId,
      body.responses.map((r) => ({
        surveyId: r.surveyId,
        contactId: r.email ? (contacts.get(r.email.toLowerCase()) ?? null) : null,
        score: r.score,
        comment: r.comment?.trim() || null,
        locale: resolveLocale(r.locale, 'en'),
        segment: r.segment ?? {},
        externalId: r.externalId ?? null,
        createdAt: new Date(r.createdAt),
      })),
      now,
    );
    if (withAnswers) {
      // A skipped twin (its externalId already imported) is left out of RETURNING; match the
      // rest by externalId, and those without one by their order (they are never skipped).
      const byExternal = new Map(
        body.responses.flatMap((r, i) => (r.externalId ? [[r.externalId, i] as const] : [])),
      );
      const plain = body.responses.flatMap((r, i) => (r.externalId ? [] : [i]));
      let next = 0;
      await insertResponseAnswers(
        trx,
        workspaceId,
        rows.map((row) => {
          const i = row.external_id ? byExternal.get(row.external_id) : plain[next++];
          return { responseId: row.id, answers: answers[i ?? -1] ?? [], at: now };
        }),
      );
    }
    return rows;
  };
  // The answers and their responses commit together or not at all.
  const inserted = withAnswers ? await db.transaction().execute(write) : await write(db);
  return {
    imported: inserted.length,
    skipped: body.responses.length - inserted.length,
    ids: inserted.map((r) => r.id),
  };
}

const CSV_COLUMNS = [
  'id',
  'created_at',
  'updated_at',
  'survey_id',
  'survey_name',
  'survey_kind',
  'score',
  'score_label',
  'comment',
  'status',
  'flagged',
  'flag_reason',
  'counts_in_scores',
  'source',
  'locale',
  'contact_email',
  'contact_name',
  'segment',
  'external_id',
  'additional_answers',
] as const;

/**
 * One CSV cell (RFC 4180 quoting). Cells that a spreadsheet would read as a formula
 * (= + - @ TAB CR at the start) get a leading apostrophe (CWE-1236, OWASP CSV injection).
 */
export function csvCell(value: unknown): string {
  let text: string;
  if (value === null || value === undefined) {
    text = '';
  } else if (value instanceof Date) {
    text = value.toISOString();
  } else if (typeof value === 'string') {
    text = value;
  } else if (typeof value === 'number' || typeof value === 'boolean') {
    text = String(value);
  } else {
    text = JSON.stringify(value);
  }
  if (/^[=+\-@\t\r]/.test(text)) {
    text = `'${text}`;
  }
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvRow(row: ResponseListRow): string {
  const values: Record<(typeof CSV_COLUMNS)[number], unknown> = {
    id: row.id,
    created_at: row.created_at,
    updated_at: row.updated_at,
    survey_id: row.survey_id,
    survey_name: row.survey_name,
    survey_kind: row.survey_kind,
    score: row.score,
    // NOTE: thumbs (0/1) and PMF (1–3) numbers mean little alone; the English name says what was chosen.
    score_label: scoreLabel(row.survey_kind, messagesFor('en'), row.score),
    comment: row.comment,
    status: row.status,
    flagged: row.flagged,
    flag_reason: row.flag_reason,
    counts_in_scores: row.status === 'counted' && !row.flagged,
    source: row.source,
    locale: row.locale,
    contact_email: row.contact_email,
    contact_name: row.contact_name,
    segment: row.segment,
    external_id: row.external_id,
    // One line per answer, "question: answer", in the order asked; csvCell keeps it formula-safe.
    additional_answers: (row.answers ?? [])
      .map(toAnswerDto)
      .map((a) => `${a.question}: ${answerText(a)}`)
      .join('\n'),
  };
  return `${CSV_COLUMNS.map((c) => csvCell(values[c])).join(',')}\r\n`;
}

/**
 * The CSV export as chunks, oldest first, read in keyset batches so any number of rows
 * streams in constant memory. Starts with a UTF-8 BOM so spreadsheets read the accents.
 */
export async function* exportResponsesCsv(
  db: Kysely<Database>,
  workspaceId: string,
  q: ListResponsesQuery,
  batchSize = 1000,
): AsyncGenerator<string> {
  yield `\uFEFF${CSV_COLUMNS.join(',')}\r\n`;
  const filters = toFilters(q);
  let cursor: { createdAt: Date; id: string } | undefined;
  for (;;) {
    const rows = await findResponsePage(db, workspaceId, filters, batchSize, cursor, 'asc');
    if (rows.length > 0) {
      yield rows.map(csvRow).join('');
    }
    const last = rows[rows.length - 1];
    if (rows.length < batchSize || !last) {
      return;
    }
    cursor = { createdAt: last.created_at, id: last.id };
  }
}
