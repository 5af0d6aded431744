import { Transform } from 'node:stream';
import type { Readable, TransformCallback } from 'node:stream';
import { parse } from 'csv-parse';

export interface CsvRecord {
  /** 1-based line of the file where the record starts (records may span lines). */
  line: number;
  values: string[];
}

/** A file that cannot be read past some point (unclosed quote, oversized record, bad bytes). */
export class CsvFileError extends Error {
  override name = 'CsvFileError';
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

/** One record longer than this is refused, so an unclosed quote cannot eat all memory. */
const MAX_RECORD_CHARS = 1_000_000;

const lineBreaks = (s: string) => s.match(/\r\n|\r|\n/g)?.length ?? 0;

/** Counts the bytes flowing through; onBytes sees the running total. */
export function byteCounter(onBytes: (total: number) => void): Transform {
  let total = 0;
  return new Transform({
    transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback) {
      total += chunk.length;
      try {
        onBytes(total);
      } catch (err) {
        done(err as Error);
        return;
      }
      done(null, chunk);
    },
  });
}

type Queued = string[] | { stop: CsvFileError | Error };

/**
 * Streams CSV records from UTF-8 bytes (a leading BOM is skipped), one at a time, with the
 * line each starts on. Blank lines are skipped. Memory stays bounded: the parser pauses while
 * a thousand records wait. Listens to `input` at once, so an early input error is not lost.
 */
export class CsvRecordReader implements AsyncIterable<CsvRecord> {
  private readonly parser;
  private readonly queue: Queued[] = [];
  private ended = false;
  private wake: (() => void) | undefined;

  constructor(private readonly input: Readable) {
    // NOTE: a syntax error arrives as 'skip', not 'error': an errored stream drops the records
    // still buffered, and those before the bad one must be imported.
    this.parser = parse({
      bom: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
      skip_records_with_error: true,
      max_record_size: MAX_RECORD_CHARS,
    });
    const push = (item: Queued) => {
      this.queue.push(item);
      if (this.queue.length >= 1000) {
        this.parser.pause();
      }
      this.wake?.();
    };
    this.parser.on('data', (record: string[]) => push(record));
    this.parser.on('skip', (err: Error) => push({ stop: err }));
    this.parser.on('error', (err: Error) => push({ stop: err }));
    this.parser.on('end', () => {
      this.ended = true;
      this.wake?.();
    });
    input.on('error', (err: Error) => push({ stop: err }));
    input.pipe(this.parser);
  }

  /** Stops reading: the rest of the input is left unread. */
  close(): void {
    this.input.unpipe(this.parser);
    this.parser.destroy();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<CsvRecord> {
    // NOTE: csv-parse counts a CRLF inside a quoted field as two lines, so lines are counted here.
    let line = 1;
    try {
      for (;;) {
        const item = this.queue.shift();
        if (item === undefined) {
          if (this.ended) {
            return;
          }
          this.parser.resume();
          await new Promise<void>((resolve) => (this.wake = resolve));
          this.wake = undefined;
          continue;
        }
        if (!Array.isArray(item)) {
          throw toFileError(item.stop, line);
        }
        const start = line;
        line += 1 + item.reduce((n, field) => n + lineBreaks(field), 0);
        if (item.length === 1 && item[0]?.trim() === '') {
          continue;
        }
        yield { line: start, values: item };
      }
    } finally {
      this.close();
    }
  }
}

function toFileError(err: Error, line: number): Error {
  const code = (err as { code?: string }).code;
  return typeof code === 'string' && code.startsWith('CSV_')
    ? new CsvFileError(line, csvReason(code, err.message))
    : err;
}

function csvReason(code: string, message: string): string {
  switch (code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a quoted field is never closed';
    case 'CSV_MAX_RECORD_SIZE':
      return `a record is longer than ${MAX_RECORD_CHARS} characters`;
    default:
      return message.split('\n')[0] ?? code;
  }
}
