import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import type { Request } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../context';
import { AppError } from '../../errors';
import { byteCounter } from '../../delighted/import/csv-records';
import { IMPORT_TYPES } from '../../delighted/import/delighted-columns';
import { importDelightedCsv } from '../../delighted/import/delighted-import.service';
import { WRITERS, allow, authOf, requireApiKey } from '../auth';
import { errorResponses } from '../openapi-common';
import { parse } from '../validate';
import { surveyKindSchema } from '../../surveys/survey.schemas';

export const importDelightedQuerySchema = z.strictObject({
  type: z.enum(IMPORT_TYPES).describe('which Delighted export the body is'),
  surveyId: z
    .uuid()
    .optional()
    .describe(
      'responses only: the survey to import into (default: a survey "Delighted import" of `kind`)',
    ),
  kind: surveyKindSchema
    .optional()
    .describe(
      'responses only, without surveyId: the Delighted survey type of the export (default nps); ' +
        'scores are checked against its scale',
    ),
  createQuestions: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional()
    .describe(
      'responses only: columns headed by a question (ending in "?") that matches none of the ' +
        "survey's additional questions become free-text questions of the survey (default: they " +
        'stay contact properties and are listed in `questions.unmapped`)',
    ),
  dryRun: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional()
    .describe('true: report what would be created and every unreadable row, write nothing'),
});

const rowErrorSchema = z.object({ line: z.number().int(), reason: z.string() });

export const importSummarySchema = z.object({
  type: z.enum(IMPORT_TYPES),
  dryRun: z.boolean(),
  surveyId: z.uuid().nullable().describe('null in a dry run that would create the survey'),
  surveyCreated: z.boolean(),
  rows: z.number().int().describe('data rows read (the header not counted)'),
  newContacts: z.number().int(),
  updatedContacts: z.number().int(),
  newResponses: z.number().int(),
  duplicatesSkipped: z.number().int().describe('rows already imported or repeated in the file'),
  unsubscribes: z.number().int(),
  bounces: z.number().int(),
  errorCount: z.number().int(),
  errors: z.array(rowErrorSchema).describe('unreadable rows with their line (first 10,000)'),
  warnings: z.array(z.string()),
  questions: z
    .object({
      mapped: z.array(z.string()),
      created: z.array(z.string()),
      unmapped: z.array(z.string()),
    })
    .describe(
      "additional-question columns: matched to the survey's questions by text, created, " +
        'or kept as contact properties',
    ),
  stoppedAt: rowErrorSchema.nullable().describe('the file could not be read past this line'),
});

const CSV_TYPES = ['text/csv', 'application/csv', 'application/vnd.ms-excel'];

class PayloadTooLargeError extends AppError {
  override name = 'PayloadTooLargeError';
  constructor(limit: number) {
    super(413, 'payload_too_large', `The CSV file exceeds ${limit} bytes (IMPORT_MAX_BYTES).`, [
      { field: 'body', issue: 'Too large', location: 'body' },
    ]);
  }
}

function checkBody(req: Request, limit: number): void {
  const length = req.get('content-length');
  const hasBody = (length !== undefined && Number(length) > 0) || !!req.get('transfer-encoding');
  if (!hasBody) {
    throw new AppError(400, 'empty_body', 'Send the CSV file as the request body.', [
      { field: 'body', issue: 'Required', location: 'body' },
    ]);
  }
  if (!req.is(CSV_TYPES)) {
    throw new AppError(415, 'unsupported_media_type', 'Send the body as text/csv.');
  }
  const charset = /charset=([^;]+)/i
    .exec(req.get('content-type') ?? '')?.[1]
    ?.trim()
    .toLowerCase();
  if (charset && charset !== 'utf-8' && charset !== 'utf8') {
    throw new AppError(415, 'unsupported_encoding', 'Send the CSV file as UTF-8.');
  }
  if (length !== undefined && Number(length) > limit) {
    throw new PayloadTooLargeError(limit);
  }
}

/**
 * Mounted at /api/imports before the JSON body parser: the CSV body is streamed into the
 * import, never buffered, and cut off with 413 past IMPORT_MAX_BYTES.
 */
export function importRoutes(ctx: AppContext): Router {
  const router = Router();
  router.post('/delighted', requireApiKey(ctx), allow(...WRITERS), async (req, res) => {
    const query = parse(importDelightedQuerySchema, req.query, 'query');
    const limit = ctx.config.IMPORT_MAX_BYTES;
    checkBody(req, limit);
    const body = req.pipe(
      byteCounter((total) => {
        if (total > limit) {
          throw new PayloadTooLargeError(limit);
        }
      }),
    );
    req.on('error', (err) => body.destroy(err));
    const summary = await importDelightedCsv(ctx, body, {
      workspaceId: authOf(req).workspaceId,
      type: query.type,
      surveyId: query.surveyId,
      kind: query.kind,
      createQuestions: query.createQuestions ?? false,
      dryRun: query.dryRun ?? false,
    });
    res.status(200).json(summary);
  });
  return router;
}

export function registerImportPaths(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'post',
    path: '/api/imports/delighted',
    summary: 'Import a Delighted CSV export (responses, people, unsubscribes or bounces)',
    description:
      'The body is the CSV file as exported from Delighted (UTF-8, BOM allowed), streamed into a staging table by COPY and written set-based. Columns headed by the text of one of the survey’s additional questions are imported as its answers (checked against its options and scale). Responses are keyed by Delighted’s Response ID and contacts by email, so sending the same file again adds nothing. Rows that cannot be read are listed with their line number and skipped. Roles: admin, manager.',
    request: {
      query: importDelightedQuerySchema,
      body: { content: { 'text/csv': { schema: z.string() } }, required: true },
    },
    responses: {
      200: {
        description: 'What was imported (or, in a dry run, would be)',
        content: { 'application/json': { schema: importSummarySchema } },
      },
      ...errorResponses(404, 413, 415),
    },
  });
}
