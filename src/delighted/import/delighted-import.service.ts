import type { Readable } from 'node:stream';
import type { EmailHasher } from '../../platform/keyed-hash';
import type { Kysely } from 'kysely';
import type { Database, Survey, SurveyKind } from '../../../db/schema';
import type { Clock } from '../../clock';
import { ValidationError } from '../../errors';
import { ensureContacts } from '../../contacts/contact.service';
import { suppressContacts } from '../../contacts/suppression.service';
import { resolveLocale } from '../../surveys/i18n';
import { createSurveyBodySchema } from '../../surveys/survey.schemas';
import { createSurvey, requireSurvey } from '../../surveys/survey.service';
import { getWorkspace } from '../../workspaces/workspace.service';
import { CsvFileError, CsvRecordReader } from './csv-records';
import type { CsvRecord } from './csv-records';
import type { HeaderMap, ImportType } from './delighted-columns';
import { HeaderError, mapHeader } from './delighted-columns';
import { findSurveyByName, insertDelightedResponses } from './delighted-import.repository';
import { DryRunCounter } from './dry-run';
import type {
  BatchCounts,
  PersonFields,
  ResponseRowData,
  RowError,
  SuppressionRowData,
} from './delighted-rows';
import { isRowError, readPersonRow, readResponseRow, readSuppressionRow } from './delighted-rows';

export const IMPORT_SURVEY_NAME = 'Delighted import';
/** Rows per transaction: a 1M-row file is a few thousand round trips, not a million. */
export const DEFAULT_BATCH_SIZE = 2000;
/** The summary lists this many unreadable rows; errorCount still counts them all. */
export const MAX_LISTED_ERRORS = 10_000;

export interface ImportOptions {
  workspaceId: string;
  type: ImportType;
  surveyId?: string | undefined;
  /** The kind of the survey created when no surveyId is given (Delighted's survey type); nps by default. */
  kind?: SurveyKind | undefined;
  dryRun: boolean;
  batchSize?: number;
  onProgress?: (progress: { rows: number; errors: number }) => void;
}

export interface ImportSummary {
  type: ImportType;
  dryRun: boolean;
  surveyId: string | null;
  surveyCreated: boolean;
  rows: number;
  newContacts: number;
  updatedContacts: number;
  newResponses: number;
  duplicatesSkipped: number;
  unsubscribes: number;
  bounces: number;
  errorCount: number;
  errors: RowError[];
  warnings: string[];
  /** Set when the file could not be read past a line; rows before it were handled. */
  stoppedAt: RowError | null;
}

export interface ImportDeps {
  db: Kysely<Database>;
  clock: Clock;
  hashEmail: EmailHasher;
}

type Row = ResponseRowData | PersonFields | SuppressionRowData;

interface Target {
  survey: Pick<Survey, 'id' | 'kind' | 'segment_properties'> | null;
  created: boolean;
}

/**
 * Imports one Delighted CSV export (responses, people, unsubscribes or bounces), streamed
 * and written in batches. Responses are keyed `delighted:<Response ID>`, contacts by email,
 * so a re-run adds nothing. A dry run reads the database only.
 */
export async function importDelightedCsv(
  deps: ImportDeps,
  input: Readable,
  opts: ImportOptions,
): Promise<ImportSummary> {
  const reader = new CsvRecordReader(input);
  try {
    return await importRecords(deps, reader[Symbol.asyncIterator](), opts);
  } finally {
    reader.close();
  }
}

async function importRecords(
  deps: ImportDeps,
  records: AsyncGenerator<CsvRecord>,
  opts: ImportOptions,
): Promise<ImportSummary> {
  await getWorkspace(deps.db, opts.workspaceId);
  if (opts.surveyId && opts.type === 'responses') {
    await requireSurvey(deps.db, opts.workspaceId, opts.surveyId);
  }
  const first = await nextRecord(records);
  if (!first) {
    throw fileError('the file is empty: expected a header row');
  }
  let map: HeaderMap;
  try {
    map = mapHeader(opts.type, first.values);
  } catch (err) {
    throw err instanceof HeaderError ? fileError(err.message) : err;
  }
  const now = deps.clock.now();
  const target =
    opts.type === 'responses'
      ? await resolveSurvey(deps, opts, map, now)
      : { survey: null, created: false };
  const summary: ImportSummary = {
    type: opts.type,
    dryRun: opts.dryRun,
    surveyId: target.survey?.id ?? null,
    surveyCreated: target.created,
    rows: 0,
    newContacts: 0,
    updatedContacts: 0,
    newResponses: 0,
    duplicatesSkipped: 0,
    unsubscribes: 0,
    bounces: 0,
    errorCount: 0,
    errors: [],
    warnings: map.warnings,
    stoppedAt: null,
  };
  const run = async (flush: (rows: Row[]) => Promise<BatchCounts>) => {
    await readBatches(records, opts, map, target, now, summary, async (rows) => {
      addCounts(summary, opts.type, await flush(rows));
    });
  };
  if (opts.dryRun) {
    await deps.db.connection().execute(async (conn) => {
      const counter = await DryRunCounter.open(conn, opts.workspaceId);
      try {
        await run((rows) => counter.count(opts.type, rows));
      } finally {
        await counter.close();
      }
    });
  } else {
    await run((rows) => writeBatch(deps, opts, target, rows, now));
  }
  return summary;
}

async function nextRecord(records: AsyncGenerator<CsvRecord>) {
  try {
    const r = await records.next();
    return r.done ? undefined : r.value;
  } catch (err) {
    throw err instanceof CsvFileError ? fileError(`line ${err.line}: ${err.message}`) : err;
  }
}

function fileError(issue: string): ValidationError {
  return new ValidationError(
    [{ field: 'file', issue, location: 'body' }],
    'The CSV file cannot be imported.',
  );
}

async function resolveSurvey(
  deps: ImportDeps,
  opts: ImportOptions,
  map: HeaderMap,
  now: Date,
): Promise<Target> {
  if (opts.surveyId) {
    return {
      survey: await requireSurvey(deps.db, opts.workspaceId, opts.surveyId),
      created: false,
    };
  }
  const kind = opts.kind ?? 'nps';
  const existing = await findSurveyByName(deps.db, opts.workspaceId, IMPORT_SURVEY_NAME, kind);
  if (existing) {
    return { survey: existing, created: false };
  }
  // Person properties with segment-safe names become the new survey's segments.
  const segmentProperties = map.properties
    .map(([key]) => key)
    .filter((key) => /^[A-Za-z0-9_.-]{1,64}$/.test(key))
    .slice(0, 20);
  if (opts.dryRun) {
    return { survey: null, created: true };
  }
  const input = createSurveyBodySchema.parse({
    kind,
    name: IMPORT_SURVEY_NAME,
    trigger: { eventType: 'delighted.import' },
    segmentProperties,
  });
  const dto = await createSurvey(deps.db, opts.workspaceId, input, now);
  return {
    survey: { id: dto.id, kind: dto.kind, segment_properties: dto.segmentProperties },
    created: true,
  };
}

async function readBatches(
  records: AsyncGenerator<CsvRecord>,
  opts: ImportOptions,
  map: HeaderMap,
  target: Target,
  now: Date,
  summary: ImportSummary,
  flush: (rows: Row[]) => Promise<void>,
): Promise<void> {
  const size = opts.batchSize ?? DEFAULT_BATCH_SIZE;
  const kind: SurveyKind = target.survey?.kind ?? opts.kind ?? 'nps';
  let batch: Row[] = [];
  const done = async () => {
    if (batch.length > 0) {
      const rows = batch;
      batch = [];
      await flush(rows);
    }
    opts.onProgress?.({ rows: summary.rows, errors: summary.errorCount });
  };
  try {
    for await (const { line, values } of records) {
      summary.rows += 1;
      const row = readRow(opts.type, map, values, line, kind, now);
      if (isRowError(row)) {
        addError(summary, row);
      } else {
        batch.push(row);
        if (batch.length >= size) {
          await done();
        }
      }
    }
  } catch (err) {
    if (!(err instanceof CsvFileError)) {
      throw err;
    }
    summary.stoppedAt = { line: err.line, reason: err.message };
    addError(summary, summary.stoppedAt);
  }
  await done();
}

function readRow(
  type: ImportType,
  map: HeaderMap,
  values: string[],
  line: number,
  kind: SurveyKind,
  now: Date,
): Row | RowError {
  switch (type) {
    case 'responses':
      return readResponseRow(map, values, line, { kind, now });
    case 'people':
      return readPersonRow(map, values, line, { now });
    case 'unsubscribes':
      return readSuppressionRow(map, values, line, { field: 'unsubscribedAt', now });
    case 'bounces':
      return readSuppressionRow(map, values, line, { field: 'bouncedAt', now });
  }
}

function addError(summary: ImportSummary, error: RowError): void {
  summary.errorCount += 1;
  if (summary.errors.length < MAX_LISTED_ERRORS) {
    summary.errors.push(error);
  }
}

function addCounts(summary: ImportSummary, type: ImportType, c: BatchCounts): void {
  summary.newContacts += c.newContacts;
  summary.updatedContacts += c.updatedContacts;
  summary.newResponses += c.newResponses;
  summary.duplicatesSkipped += c.duplicatesSkipped;
  if (type === 'unsubscribes') {
    summary.unsubscribes += c.suppressed;
  } else if (type === 'bounces') {
    summary.bounces += c.suppressed;
  }
}

/** The response's segment: its locale plus the survey's segment properties, as collected. */
export function segmentOf(
  row: ResponseRowData,
  segmentProperties: string[],
): Record<string, string> {
  const segment: Record<string, string> = { locale: resolveLocale(row.locale, 'en') };
  for (const key of segmentProperties) {
    const value = row.properties[key];
    if (typeof value === 'string') {
      segment[key] = value.slice(0, 200);
    }
  }
  return segment;
}

/** Splits off rows whose key already appeared earlier in the same batch. */
export function firstByKey<T>(
  rows: T[],
  key: (row: T) => string,
): { unique: T[]; repeats: number } {
  const seen = new Set<string>();
  const unique = rows.filter((r) => {
    const k = key(r);
    if (seen.has(k)) {
      return false;
    }
    seen.add(k);
    return true;
  });
  return { unique, repeats: rows.length - unique.length };
}

async function writeBatch(
  deps: ImportDeps,
  opts: ImportOptions,
  target: Target,
  rows: Row[],
  now: Date,
): Promise<BatchCounts> {
  const counts: BatchCounts = {
    newContacts: 0,
    updatedContacts: 0,
    newResponses: 0,
    duplicatesSkipped: 0,
    suppressed: 0,
  };
  await deps.db.transaction().execute(async (trx) => {
    if (opts.type === 'unsubscribes' || opts.type === 'bounces') {
      const entries = (rows as SuppressionRowData[]).map((r) => ({
        email: r.email,
        at: r.at ?? now,
      }));
      const kind = opts.type === 'unsubscribes' ? 'unsubscribed' : 'bounced';
      const result = await suppressContacts(
        trx,
        opts.workspaceId,
        kind,
        entries,
        'delighted_import',
        now,
        deps.hashEmail,
      );
      counts.newContacts = result.contactsCreated;
      counts.suppressed = result.suppressed;
      counts.duplicatesSkipped = rows.length - result.suppressed;
      return;
    }
    const contacts = await ensureContacts(trx, opts.workspaceId, rows, now, deps.hashEmail);
    counts.newContacts = contacts.created;
    counts.updatedContacts = contacts.updated;
    if (opts.type !== 'responses' || !target.survey) {
      return;
    }
    const survey = target.survey;
    const { unique, repeats } = firstByKey(rows as ResponseRowData[], (r) => r.externalId);
    const inserted = await insertDelightedResponses(
      trx,
      opts.workspaceId,
      survey.id,
      unique.map((r) => ({
        externalId: r.externalId,
        score: r.score,
        comment: r.comment?.trim() || null,
        email: r.email,
        locale: resolveLocale(r.locale, 'en'),
        segment: segmentOf(r, survey.segment_properties),
        tags: r.tags,
        details: r.details,
        createdAt: r.createdAt,
        updatedAt: r.updatedAt,
      })),
      now,
    );
    counts.newResponses = inserted;
    counts.duplicatesSkipped = unique.length - inserted + repeats;
  });
  return counts;
}
