import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import type { Request } from 'express';
import type { AppContext } from '../../context';
import { UnauthorizedError } from '../../errors';
import {
  createReportBodySchema,
  listReportsQuerySchema,
  reportDtoSchema,
  reportIdParamsSchema,
  reportPageQuerySchema,
  reportPageSchema,
  reportSummarySchema,
} from '../../reports/report.schemas';
import { renderReportEvidence, renderReportPage } from '../../reports/render';
import { reportEvidencePath } from '../../reports/evidence-links';
import { reportEvidence } from '../../reports/evidence.service';
import { listResponsesQuerySchema } from '../../collector/response.schemas';
import {
  getReport,
  listDeliveries,
  listReports,
  requestReport,
  toReportSummary,
} from '../../reports/report.service';
import { authenticateApiKey } from '../../workspaces/api-key.service';
import { isReportShareToken } from '../../platform/keyed-hash';
import { READERS, WRITERS, allow, authOf } from '../auth';
import { errorResponses } from '../openapi-common';
import { parse } from '../validate';
import { toReportContent } from '../../reports/report-content';

/** `?response=<id>`: the one response a quoted comment links to. */
const evidenceResponseSchema = z.object({ response: z.uuid().optional() });

const css = readFileSync(path.join(__dirname, '../../reports/templates/report.css'), 'utf8');
const BEARER = /^Bearer ([A-Za-z0-9_-]{16,200})$/;

/**
 * Who may open GET /reports/:id: anyone holding the report's share token (the link in the
 * email; derived from GLAS_SECRET, never stored), or an API key of the workspace with a
 * reader role. NOTE: the dashboard session (issue 7) plugs in here.
 */
async function authorizeReportView(
  ctx: AppContext,
  req: Request,
  reportId: string,
  token: string | undefined,
) {
  if (token && isReportShareToken(ctx.config.GLAS_SECRET, reportId, token)) {
    return getReport(ctx.db, null, reportId);
  }
  const key = BEARER.exec(req.get('authorization') ?? '')?.[1];
  const auth = key ? await authenticateApiKey(ctx.db, key, ctx.clock.now(), ctx.apiKeys) : null;
  if (auth && READERS.includes(auth.role)) {
    return getReport(ctx.db, auth.workspaceId, reportId);
  }
  throw new UnauthorizedError('Open the report from its emailed link, or send an API key.');
}

/** Public (token-guarded) report page and its stylesheet; mounted at the root. */
export function reportPageRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/assets/report.css', (_req, res) => {
    res.type('text/css').set('Cache-Control', 'public, max-age=3600').send(css);
  });
  router.get('/reports/:id', async (req, res) => {
    const { id } = parse(reportIdParamsSchema, req.params, 'params');
    const { token } = parse(reportPageQuerySchema, req.query, 'query');
    const report = await authorizeReportView(ctx, req, id, token);
    const html = renderReportPage(toReportContent(report.content), {
      base: '',
      pageUrl: `/reports/${report.id}`,
      evidence: reportEvidencePath(report.id, token),
    });
    res.set('Cache-Control', 'private, no-store').type('html').send(html);
  });
  // The responses behind a figure of the page above, for whoever may read the report.
  router.get('/reports/:id/responses', async (req, res) => {
    const { id } = parse(reportIdParamsSchema, req.params, 'params');
    const { token, response, ...filter } = req.query as Record<string, unknown>;
    const shareToken = parse(reportPageQuerySchema, { token }, 'query').token;
    const report = await authorizeReportView(ctx, req, id, shareToken);
    const one = parse(evidenceResponseSchema, { response }, 'query').response;
    const query = parse(listResponsesQuerySchema, filter, 'query');
    const page = await reportEvidence(ctx.db, report, { ...query, response: one });
    const self = reportEvidencePath(report.id, shareToken);
    const html = renderReportEvidence(toReportContent(report.content), page.data, {
      back: `/reports/${report.id}${shareToken ? `?token=${encodeURIComponent(shareToken)}` : ''}`,
      next: page.nextCursor
        ? `${self}${new URLSearchParams({ ...(filter as Record<string, string>), cursor: page.nextCursor }).toString()}`
        : null,
    });
    res.set('Cache-Control', 'private, no-store').type('html').send(html);
  });
  return router;
}

/** /api/reports: list, read as JSON, and generate on demand for any past period. */
export function reportRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/', allow(...READERS), async (req, res) => {
    const query = parse(listReportsQuerySchema, req.query, 'query');
    const page = await listReports(ctx.db, authOf(req).workspaceId, query);
    res.json({
      data: page.rows.map((r) => toReportSummary(ctx.config, r)),
      nextCursor: page.nextCursor,
    });
  });
  router.get('/:id', allow(...READERS), async (req, res) => {
    const { id } = parse(reportIdParamsSchema, req.params, 'params');
    const workspaceId = authOf(req).workspaceId;
    const report = await getReport(ctx.db, workspaceId, id);
    const deliveries = await listDeliveries(ctx.db, workspaceId, id);
    res.json({
      ...toReportSummary(ctx.config, report),
      deliveries: deliveries.map((d) => ({
        recipient: d.recipient,
        status: d.status,
        attempts: d.attempts,
        sentAt: d.sent_at?.toISOString() ?? null,
      })),
      content: report.content,
    });
  });
  router.post('/', allow(...WRITERS), async (req, res) => {
    const body = parse(createReportBodySchema, req.body, 'body');
    const { report, created } = await requestReport(ctx, authOf(req).workspaceId, body);
    res.status(created ? 201 : 200).json(toReportSummary(ctx.config, report));
  });
  return router;
}

export function registerReportPaths(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'get',
    path: '/api/reports',
    summary: 'List generated reports, newest first',
    request: { query: listReportsQuerySchema },
    responses: {
      200: {
        description: 'One page',
        content: { 'application/json': { schema: reportPageSchema } },
      },
      ...errorResponses(),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/reports/{id}',
    summary: 'A report as JSON, with its email deliveries',
    request: { params: reportIdParamsSchema },
    responses: {
      200: {
        description: 'The report',
        content: { 'application/json': { schema: reportDtoSchema } },
      },
      ...errorResponses(404),
    },
  });
  registry.registerPath({
    method: 'post',
    path: '/api/reports',
    summary: 'Generate the monthly or weekly report of any period that has ended',
    description:
      'Periods are calendar months or ISO weeks in the workspace time zone. A period has one report: asking again returns the stored one (200). `deliver: true` emails it to the recipients who have not had it.',
    request: { body: { content: { 'application/json': { schema: createReportBodySchema } } } },
    responses: {
      200: {
        description: 'Already generated',
        content: { 'application/json': { schema: reportSummarySchema } },
      },
      201: {
        description: 'Generated',
        content: { 'application/json': { schema: reportSummarySchema } },
      },
      ...errorResponses(422),
    },
  });
}
