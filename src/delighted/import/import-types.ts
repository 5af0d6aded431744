import type { Kysely } from 'kysely';
import type { Pool } from 'pg';
import type { Database, Survey, SurveyKind } from '../../../db/schema';
import type { Clock } from '../../clock';
import type { EmailHasher } from '../../platform/keyed-hash';
import type { Question } from '../../surveys/questions';
import type { ImportType } from './delighted-columns';
import type { RowError } from './delighted-rows';

export const IMPORT_SURVEY_NAME = 'Delighted import';
/**
 * Rows per transaction: each chunk is one COPY into staging and a constant number of
 * set-based statements, so a 1M-row file is a few dozen round trips; rows before a line the
 * file cannot be read past are kept.
 */
export const DEFAULT_BATCH_SIZE = 50_000;
/** The summary lists this many unreadable rows; errorCount still counts them all. */
export const MAX_LISTED_ERRORS = 10_000;

export interface ImportOptions {
  workspaceId: string;
  type: ImportType;
  surveyId?: string | undefined;
  /** The kind of the survey created when no surveyId is given (Delighted's survey type); nps by default. */
  kind?: SurveyKind | undefined;
  /** Add question-like columns (headers ending in "?") that match no question as free-text questions. */
  createQuestions?: boolean | undefined;
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
  /** Additional-question columns: matched to the survey's questions, created, or left as properties. */
  questions: { mapped: string[]; created: string[]; unmapped: string[] };
  /** Set when the file could not be read past a line; rows before it were handled. */
  stoppedAt: RowError | null;
}

export interface ImportDeps {
  db: Kysely<Database>;
  /** The pool behind `db`: the import checks out one client for COPY. */
  pool: Pool;
  clock: Clock;
  hashEmail: EmailHasher;
}

export interface Target {
  survey: (Pick<Survey, 'id' | 'kind' | 'segment_properties'> & { questions: Question[] }) | null;
  created: boolean;
}
