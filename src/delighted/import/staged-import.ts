import type { SurveyKind } from '../../../db/schema';
import { resolveLocale } from '../../surveys/i18n';
import { CsvFileError } from './csv-records';
import type { CsvRecord } from './csv-records';
import type { QuestionColumn } from './delighted-answers';
import type { HeaderMap } from './delighted-columns';
import {
  countStaged,
  findCreatedContacts,
  insertStagedResponses,
  reapplyKeptSuppressions,
  suppressStagedContacts,
  upsertStagedContacts,
} from './delighted-import.repository';
import { DEFAULT_BATCH_SIZE, MAX_LISTED_ERRORS } from './import-types';
import type { ImportDeps, ImportOptions, ImportSummary, Target } from './import-types';
import type { ResponseRowData, RowError } from './delighted-rows';
import { isRowError, readPersonRow, readResponseRow, readSuppressionRow } from './delighted-rows';
import type { StagedRow, StagingCopy } from './staging';
import { ImportConnection } from './staging';

export interface StagedImportOptions extends ImportOptions {
  map: HeaderMap;
  target: Target;
  columns: QuestionColumn[];
  now: Date;
  summary: ImportSummary;
}

/**
 * Reads the records, stages each valid row by COPY and writes every chunk in one
 * transaction: BEGIN, COPY, a constant number of set-based statements, COMMIT. Two
 * connections take turns, so the next chunk is parsed and copied while Postgres writes the
 * last one (the writes themselves stay in file order, one chunk after the other). A dry run
 * stages the whole file in one transaction, counts what the writes would do, and rolls back.
 */
export async function runStagedImport(
  deps: ImportDeps,
  records: AsyncGenerator<CsvRecord>,
  o: StagedImportOptions,
): Promise<void> {
  const size = o.dryRun ? Infinity : (o.batchSize ?? DEFAULT_BATCH_SIZE);
  const conns: ImportConnection[] = [await ImportConnection.open(deps.pool, deps.db)];
  let turn = 0;
  let copy: StagingCopy | undefined;
  let staged = 0;
  let chunks = 0;
  // The previous chunk's writes; each chunk's start waits for them, so they never overlap.
  let writing: Promise<void> = Promise.resolve();
  const report = () => o.onProgress?.({ rows: o.summary.rows, errors: o.summary.errorCount });
  const flush = async () => {
    if (!copy) {
      return;
    }
    const current = copy;
    const conn = conns[turn] as ImportConnection;
    const rows = staged;
    copy = undefined;
    staged = 0;
    chunks += 1;
    await current.end();
    await conn.analyze();
    await writing;
    writing = (async () => {
      if (o.dryRun) {
        await countChunk(conn, o, rows);
        await conn.rollback();
      } else {
        await writeChunk(deps, conn, o, rows);
        await conn.commit();
      }
      report();
    })();
    // NOTE: a failure is seen when the writes are awaited (next chunk or the end), not lost.
    writing.catch(() => undefined);
    turn = 1 - turn;
  };
  try {
    const kind: SurveyKind = o.target.survey?.kind ?? o.kind ?? 'nps';
    const progressEvery = o.batchSize ?? DEFAULT_BATCH_SIZE;
    try {
      for await (const { line, values } of records) {
        o.summary.rows += 1;
        const row = stageRow(o, values, line, kind);
        if (isRowError(row)) {
          addError(o.summary, row);
          continue;
        }
        if (!copy) {
          conns[turn] ??= await ImportConnection.open(deps.pool, deps.db);
          await conns[turn]?.begin();
          copy = conns[turn]?.copy();
        }
        await copy?.write(row);
        staged += 1;
        if (staged >= size) {
          await flush();
        } else if (o.dryRun && o.summary.rows % progressEvery === 0) {
          report();
        }
      }
    } catch (err) {
      if (!(err instanceof CsvFileError)) {
        throw err;
      }
      o.summary.stoppedAt = { line: err.line, reason: err.message };
      addError(o.summary, o.summary.stoppedAt);
    }
    await flush();
    await writing;
    if (chunks === 0) {
      report();
    }
  } catch (err) {
    // A COPY or transaction cut off mid-way leaves the session unusable: the clients go.
    conns.forEach((c) => c.abort(err as Error));
    throw err;
  }
  conns.forEach((c) => c.close());
}

function stageRow(
  o: StagedImportOptions,
  values: string[],
  line: number,
  kind: SurveyKind,
): StagedRow | RowError {
  switch (o.type) {
    case 'responses': {
      const r = readResponseRow(o.map, values, line, { kind, now: o.now, questions: o.columns });
      return isRowError(r) ? r : stagedResponse(r, o.target);
    }
    case 'people': {
      const r = readPersonRow(o.map, values, line, { now: o.now });
      return isRowError(r) ? r : { ...r, properties: JSON.stringify(r.properties) };
    }
    case 'unsubscribes':
    case 'bounces': {
      const r = readSuppressionRow(o.map, values, line, {
        field: o.type === 'unsubscribes' ? 'unsubscribedAt' : 'bouncedAt',
        now: o.now,
      });
      return isRowError(r)
        ? r
        : { line, email: r.email, name: null, locale: null, properties: '{}', at: r.at };
    }
  }
}

function stagedResponse(r: ResponseRowData, target: Target): StagedRow {
  const locale = resolveLocale(r.locale, 'en');
  return {
    line: r.line,
    email: r.email,
    name: r.name,
    locale: r.locale,
    properties: JSON.stringify(r.properties),
    externalId: r.externalId,
    score: r.score,
    comment: r.comment?.trim() || null,
    responseLocale: locale,
    segment: JSON.stringify(segmentOf(r, locale, target.survey?.segment_properties ?? [])),
    tags: JSON.stringify(r.tags),
    details: JSON.stringify(r.details),
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    answers: r.answers.length > 0 ? JSON.stringify(r.answers) : null,
  };
}

/** The response's segment: its locale plus the survey's segment properties, as collected. */
function segmentOf(
  row: ResponseRowData,
  locale: string,
  segmentProperties: string[],
): Record<string, string> {
  const segment: Record<string, string> = { locale };
  for (const key of segmentProperties) {
    const value = row.properties[key];
    if (typeof value === 'string') {
      segment[key] = value.slice(0, 200);
    }
  }
  return segment;
}

async function writeChunk(
  deps: ImportDeps,
  conn: ImportConnection,
  o: StagedImportOptions,
  staged: number,
): Promise<void> {
  const s = o.summary;
  const contacts = await upsertStagedContacts(conn, o.workspaceId, o.now);
  s.newContacts += contacts.created;
  s.updatedContacts += contacts.updated;
  if (contacts.created > 0 && contacts.keptSuppressions) {
    const created = await findCreatedContacts(conn, o.workspaceId, o.now);
    await reapplyKeptSuppressions(
      conn,
      o.workspaceId,
      created.map((c) => ({ id: c.id, emailHash: deps.hashEmail(c.email) })),
    );
  }
  if (o.type === 'unsubscribes' || o.type === 'bounces') {
    const kind = o.type === 'unsubscribes' ? 'unsubscribed' : 'bounced';
    const n = await suppressStagedContacts(conn, o.workspaceId, kind, 'delighted_import', o.now);
    s[o.type] += n;
    s.duplicatesSkipped += staged - n;
  } else if (o.type === 'responses' && o.target.survey) {
    const n = await insertStagedResponses(conn, o.workspaceId, o.target.survey.id, o.now);
    s.newResponses += n;
    s.duplicatesSkipped += staged - n;
  }
}

async function countChunk(
  conn: ImportConnection,
  o: StagedImportOptions,
  staged: number,
): Promise<void> {
  const s = o.summary;
  const suppression =
    o.type === 'unsubscribes' ? 'unsubscribed' : o.type === 'bounces' ? 'bounced' : null;
  const c = await countStaged(conn, o.workspaceId, suppression);
  s.newContacts += c.newContacts;
  s.updatedContacts += c.updatedContacts;
  if (o.type === 'unsubscribes' || o.type === 'bounces') {
    s[o.type] += c.suppressed;
    s.duplicatesSkipped += staged - c.suppressed;
  } else if (o.type === 'responses') {
    s.newResponses += c.newResponses;
    s.duplicatesSkipped += staged - c.newResponses;
  }
}

function addError(summary: ImportSummary, error: RowError): void {
  summary.errorCount += 1;
  if (summary.errors.length < MAX_LISTED_ERRORS) {
    summary.errors.push(error);
  }
}
