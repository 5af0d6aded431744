import type { Readable } from 'node:stream';
import type { Survey } from '../../../db/schema';
import { ValidationError } from '../../errors';
import { storedQuestions } from '../../surveys/questions';
import type { Question, QuestionInput } from '../../surveys/questions';
import { createSurveyBodySchema } from '../../surveys/survey.schemas';
import { changeSurvey, createSurvey, requireSurvey } from '../../surveys/survey.service';
import { getWorkspace } from '../../workspaces/workspace.service';
import { CsvFileError, CsvRecordReader } from './csv-records';
import type { CsvRecord } from './csv-records';
import type { QuestionMapping } from './delighted-answers';
import { mapQuestionColumns } from './delighted-answers';
import type { HeaderMap } from './delighted-columns';
import { HeaderError, mapHeader } from './delighted-columns';
import { findSurveyByName } from './delighted-import.repository';
import { IMPORT_SURVEY_NAME } from './import-types';
import type { ImportDeps, ImportOptions, ImportSummary, Target } from './import-types';
import { runStagedImport } from './staged-import';

export { DEFAULT_BATCH_SIZE, IMPORT_SURVEY_NAME, MAX_LISTED_ERRORS } from './import-types';
export type { ImportDeps, ImportOptions, ImportSummary } from './import-types';

/**
 * Imports one Delighted CSV export (responses, people, unsubscribes or bounces), streamed:
 * valid rows are COPYed into a staging table and written set-based per chunk. Responses are
 * keyed `delighted:<Response ID>`, contacts by email, so a re-run adds nothing. A dry run
 * stages the whole file, counts, and rolls back.
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
  // A survey of another workspace is a 404 before the file is read.
  const chosen =
    opts.surveyId && opts.type === 'responses'
      ? await requireSurvey(deps.db, opts.workspaceId, opts.surveyId)
      : undefined;
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
  const { target, mapping } =
    opts.type === 'responses'
      ? await resolveSurvey(deps, opts, chosen, map, first.values, now)
      : { target: { survey: null, created: false }, mapping: null };
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
    questions: {
      mapped:
        mapping?.columns
          .filter((c) => !mapping.toCreate.some((t) => t.index === c.index))
          .map((c) => c.question.text) ?? [],
      created: mapping?.toCreate.map((c) => c.header) ?? [],
      unmapped: mapping?.unmapped ?? [],
    },
    stoppedAt: null,
  };
  const columns = mapping?.columns ?? [];
  await runStagedImport(deps, records, { ...opts, map, target, columns, now, summary });
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

/**
 * The survey to import into, with the file's additional-question columns mapped to its
 * questions; created question-like columns become questions of the survey (not in a dry run).
 */
async function resolveSurvey(
  deps: ImportDeps,
  opts: ImportOptions,
  chosen: Survey | undefined,
  map: HeaderMap,
  header: string[],
  now: Date,
): Promise<{ target: Target; mapping: QuestionMapping }> {
  const found =
    chosen ??
    (await findSurveyByName(deps.db, opts.workspaceId, IMPORT_SURVEY_NAME, opts.kind ?? 'nps'));
  const existing = found ? storedQuestions(found.questions) : [];
  const mapping = mapQuestionColumns(map, header, existing, opts.createQuestions ?? false);
  const added: QuestionInput[] = mapping.toCreate.map((c) => ({
    type: 'free_text',
    text: c.header,
  }));
  if (found && added.length === 0) {
    return { target: { survey: { ...found, questions: existing }, created: false }, mapping };
  }
  if (opts.dryRun) {
    // NOTE: the questions a dry run would add get no ids; their answers are checked, not kept.
    const questions = [...existing, ...added.map((q, i) => draftQuestion(q, i))];
    withCreated(mapping, questions, existing.length);
    return {
      target: { survey: found ? { ...found, questions } : null, created: !found },
      mapping,
    };
  }
  if (found) {
    const dto = await changeSurvey(deps.db, deps.clock, opts.workspaceId, found.id, {
      questions: [...existing.map(toQuestionInput), ...added],
    });
    withCreated(mapping, dto.questions, existing.length);
    return {
      target: { survey: { ...found, questions: dto.questions }, created: false },
      mapping,
    };
  }
  // Person properties with segment-safe names become the new survey's segments.
  const segmentProperties = map.properties
    .map(([key]) => key)
    .filter((key) => /^[A-Za-z0-9_.-]{1,64}$/.test(key))
    .slice(0, 20);
  const input = createSurveyBodySchema.parse({
    kind: opts.kind ?? 'nps',
    name: IMPORT_SURVEY_NAME,
    trigger: { eventType: 'delighted.import' },
    segmentProperties,
    questions: added,
  });
  const dto = await createSurvey(deps.db, opts.workspaceId, input, now);
  withCreated(mapping, dto.questions, 0);
  return {
    target: {
      survey: {
        id: dto.id,
        kind: dto.kind,
        segment_properties: dto.segmentProperties,
        questions: dto.questions,
      },
      created: true,
    },
    mapping,
  };
}

/** The created columns join the mapped ones, read as the questions just made. */
function withCreated(mapping: QuestionMapping, questions: Question[], from: number): void {
  mapping.toCreate.forEach((c, i) => {
    const question = questions[from + i];
    if (question) {
      mapping.columns.push({ question, index: c.index });
    }
  });
}

function draftQuestion(q: QuestionInput, i: number): Question {
  return { id: `new_${i + 1}`, version: 1, type: q.type, text: q.text, condition: null };
}

function toQuestionInput(q: Question): QuestionInput {
  return {
    id: q.id,
    type: q.type,
    text: q.text,
    ...(q.options ? { options: q.options } : {}),
    ...(q.maxChoices !== undefined ? { maxChoices: q.maxChoices } : {}),
    condition: q.condition,
  };
}
