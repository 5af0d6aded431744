import { createReadStream } from 'node:fs';
import { SURVEY_KINDS } from '../../../db/schema';
import type { SurveyKind } from '../../../db/schema';
import { emailHasher } from '../../platform/keyed-hash';
import { stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { Presets, SingleBar } from 'cli-progress';
import type { Kysely } from 'kysely';
import { createDb } from '../../../db/client';
import { migrateToLatest } from '../../../db/migrate';
import { systemClock } from '../../clock';
import type { Config } from '../../config';
import { AppError } from '../../errors';
import { byteCounter } from './csv-records';
import { IMPORT_TYPES } from './delighted-columns';
import type { ImportType } from './delighted-columns';
import { importDelightedCsv } from './delighted-import.service';

export const IMPORT_USAGE = `  import-delighted --workspace <id> --type responses|people|unsubscribes|bounces --file <path>
                  [--survey <id> | --kind <survey kind>] [--create-questions] [--dry-run]
                                            import a Delighted CSV export (JSON summary on stdout)
`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface Progress {
  bytes(total: number): void;
  rows(rows: number, errors: number): void;
  stop(): void;
}

/** A bar on a terminal; elsewhere (CI logs, pipes) one plain line every few seconds. */
function progressOn(stream: NodeJS.WriteStream, size: number): Progress {
  let rows = 0;
  let errors = 0;
  let bytes = 0;
  if (stream.isTTY) {
    const bar = new SingleBar(
      {
        stream,
        format: 'importing {bar} {percentage}% | {rows} rows | {errors} unreadable',
        hideCursor: true,
      },
      Presets.shades_classic,
    );
    bar.start(Math.max(size, 1), 0, { rows, errors });
    return {
      bytes: (total) => bar.update(Math.min(total, size), { rows, errors }),
      rows: (r, e) => {
        rows = r;
        errors = e;
        bar.update({ rows, errors });
      },
      stop: () => bar.stop(),
    };
  }
  const percent = () => (size > 0 ? Math.floor((100 * bytes) / size) : 100);
  const line = () =>
    stream.write(`import-delighted: ${percent()}% (${rows} rows, ${errors} unreadable)\n`);
  const timer = setInterval(line, 2000);
  timer.unref();
  return {
    bytes: (total) => {
      bytes = total;
    },
    rows: (r, e) => {
      rows = r;
      errors = e;
    },
    stop: () => {
      clearInterval(timer);
      bytes = size;
      line();
    },
  };
}

function fail(message: string): number {
  process.stderr.write(`${message}\n`);
  return 2;
}

/**
 * `glas import-delighted`: exit 0 when the whole file was read (unreadable rows are listed in
 * the summary), 1 when the file could not be read to the end, 2 for bad arguments or a file
 * that cannot be imported at all.
 */
export async function runImportDelighted(args: string[], config: Config): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      workspace: { type: 'string' },
      type: { type: 'string' },
      file: { type: 'string' },
      survey: { type: 'string' },
      kind: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      'create-questions': { type: 'boolean', default: false },
    },
  });
  if (!UUID.test(values.workspace ?? '')) {
    return fail('--workspace: the workspace id printed by create-workspace');
  }
  if (!(IMPORT_TYPES as readonly string[]).includes(values.type ?? '')) {
    return fail(`--type: one of ${IMPORT_TYPES.join(', ')}`);
  }
  if (values.survey !== undefined && !UUID.test(values.survey)) {
    return fail('--survey: a survey id');
  }
  if (values.kind !== undefined && !(SURVEY_KINDS as readonly string[]).includes(values.kind)) {
    return fail(`--kind: one of ${SURVEY_KINDS.join(', ')}`);
  }
  if (!values.file) {
    return fail('--file: the CSV file exported from Delighted');
  }
  let size: number;
  try {
    size = (await stat(values.file)).size;
  } catch {
    return fail(`--file: cannot read ${values.file}`);
  }
  // The import takes two connections (one copies the next chunk while the other writes).
  const { db, pool } = createDb(config.DATABASE_URL, { max: 3 });
  const progress = progressOn(process.stderr, size);
  try {
    await migrateToLatest(db as Kysely<unknown>);
    const input = createReadStream(values.file).pipe(byteCounter((n) => progress.bytes(n)));
    const summary = await importDelightedCsv(
      { db, pool, clock: systemClock, hashEmail: emailHasher(config.GLAS_SECRET) },
      input,
      {
        workspaceId: values.workspace as string,
        type: values.type as ImportType,
        surveyId: values.survey,
        kind: values.kind as SurveyKind | undefined,
        createQuestions: values['create-questions'],
        dryRun: values['dry-run'],
        onProgress: ({ rows, errors }) => progress.rows(rows, errors),
      },
    );
    progress.stop();
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    return summary.stoppedAt ? 1 : 0;
  } catch (err) {
    progress.stop();
    if (err instanceof AppError && err.status < 500) {
      const details = (err.details ?? []).map((d) => `\n  ${d.field}: ${d.issue}`).join('');
      return fail(`${err.message}${details}`);
    }
    throw err;
  } finally {
    await db.destroy();
  }
}
