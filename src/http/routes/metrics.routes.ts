import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../context';
import {
  metricsQuerySchema,
  surveyMetricsDtoSchema,
  workspaceMetricsDtoSchema,
  workspaceMetricsQuerySchema,
} from '../../analytics/metrics.schemas';
import { getSurveyMetrics, getWorkspaceMetrics } from '../../analytics/metrics.service';
import { rebuildSurveyRollups } from '../../analytics/rollup.service';
import {
  answerReportDtoSchema,
  answerReportQuerySchema,
  getAnswerReport,
} from '../../analytics/answer-report.service';
import { surveyIdParamsSchema } from '../../surveys/survey.schemas';
import { READERS, allow, authOf } from '../auth';
import { errorResponses } from '../openapi-common';
import { parse } from '../validate';

/** Mounted at /api: survey metrics, workspace headline metrics, rollup rebuild. */
export function metricsRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/surveys/:id/metrics', allow(...READERS), async (req, res) => {
    const { id } = parse(surveyIdParamsSchema, req.params, 'params');
    const query = parse(metricsQuerySchema, req.query, 'query');
    res.json(await getSurveyMetrics(ctx.db, ctx.clock, authOf(req).workspaceId, id, query));
  });
  router.get('/surveys/:id/answers', allow(...READERS), async (req, res) => {
    const { id } = parse(surveyIdParamsSchema, req.params, 'params');
    const query = parse(answerReportQuerySchema, req.query, 'query');
    res.json(await getAnswerReport(ctx.db, authOf(req).workspaceId, id, query));
  });
  router.get('/metrics', allow(...READERS), async (req, res) => {
    const query = parse(workspaceMetricsQuerySchema, req.query, 'query');
    res.json(await getWorkspaceMetrics(ctx.db, ctx.clock, authOf(req).workspaceId, query));
  });
  router.post('/surveys/:id/rollups/rebuild', allow('admin'), async (req, res) => {
    const { id } = parse(surveyIdParamsSchema, req.params, 'params');
    res.json(await rebuildSurveyRollups(ctx.db, authOf(req).workspaceId, id));
  });
  return router;
}

export function registerMetricsPaths(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'get',
    path: '/api/surveys/{id}/metrics',
    summary: 'Scores per period and segment, with intervals, change and trend',
    description:
      'Periods are whole days, ISO weeks (Monday), months or quarters in the workspace time zone; `since`/`until` are widened to whole periods (default: the last 12 periods). `compare=previous|year` adds each cell’s change vs the previous period or the same period a year before, with a two-sample test (p < 0.05 = `significant`). Cells with n < 30 carry `tooFewResponses`. Flagged and provisional responses are not counted.',
    request: { params: surveyIdParamsSchema, query: metricsQuerySchema },
    responses: {
      200: {
        description: 'Metrics',
        content: { 'application/json': { schema: surveyMetricsDtoSchema } },
      },
      ...errorResponses(404),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/surveys/{id}/answers',
    summary: 'The additional questions: counts per option with Wilson intervals, scale means',
    description:
      'Per question (current wording; answers to its earlier versions of the same type count under it, options by id), the responses that answered it and per option or scale value the count and its percent of them with a 95 % Wilson interval; scales also give the mean with its 95 % t interval. Counted in SQL; only responses that count are read; `since` inclusive, `until` exclusive.',
    request: { params: surveyIdParamsSchema, query: answerReportQuerySchema },
    responses: {
      200: {
        description: 'Answer figures',
        content: { 'application/json': { schema: answerReportDtoSchema } },
      },
      ...errorResponses(404),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/metrics',
    summary: 'Headline NPS, CSAT and CES across the workspace’s surveys (default: last 30 days)',
    request: { query: workspaceMetricsQuerySchema },
    responses: {
      200: {
        description: 'Metrics',
        content: { 'application/json': { schema: workspaceMetricsDtoSchema } },
      },
      ...errorResponses(),
    },
  });
  registry.registerPath({
    method: 'post',
    path: '/api/surveys/{id}/rollups/rebuild',
    summary: 'Recompute a survey’s daily rollups from its responses (admin)',
    request: { params: surveyIdParamsSchema },
    responses: {
      200: {
        description: 'Rebuilt',
        content: {
          'application/json': {
            schema: z.object({ surveyId: z.uuid(), rollupRows: z.number().int() }),
          },
        },
      },
      ...errorResponses(404),
    },
  });
}
