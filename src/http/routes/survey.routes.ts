import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import type { AppContext } from '../../context';
import { getSurveyMetrics } from '../../surveys/metrics.service';
import {
  createSurveyBodySchema,
  listSurveysQuerySchema,
  surveyDtoSchema,
  surveyIdParamsSchema,
  surveyMetricsDtoSchema,
} from '../../surveys/survey.schemas';
import { createSurvey, findSurveys, getSurvey, launchSurvey } from '../../surveys/survey.service';
import { READERS, WRITERS, allow, authOf } from '../auth';
import { errorResponses } from '../openapi';
import { parse } from '../validate';

export function surveyRoutes(ctx: AppContext): Router {
  const router = Router();
  router.post('/', allow(...WRITERS), async (req, res) => {
    const body = parse(createSurveyBodySchema, req.body, 'body');
    res.status(201).json(await createSurvey(ctx.db, authOf(req).workspaceId, body));
  });
  router.get('/', allow(...READERS), async (req, res) => {
    const query = parse(listSurveysQuerySchema, req.query, 'query');
    res.json({ data: await findSurveys(ctx.db, authOf(req).workspaceId, query) });
  });
  router.get('/:id', allow(...READERS), async (req, res) => {
    const { id } = parse(surveyIdParamsSchema, req.params, 'params');
    res.json(await getSurvey(ctx.db, authOf(req).workspaceId, id));
  });
  router.post('/:id/launch', allow(...WRITERS), async (req, res) => {
    const { id } = parse(surveyIdParamsSchema, req.params, 'params');
    res.json(await launchSurvey(ctx.db, ctx.clock, authOf(req).workspaceId, id));
  });
  router.get('/:id/metrics', allow(...READERS), async (req, res) => {
    const { id } = parse(surveyIdParamsSchema, req.params, 'params');
    res.json(await getSurveyMetrics(ctx.db, authOf(req).workspaceId, id));
  });
  return router;
}

export function registerSurveyPaths(registry: OpenAPIRegistry): void {
  registry.register('Survey', surveyDtoSchema);
  const idParams = { params: surveyIdParamsSchema };
  registry.registerPath({
    method: 'post',
    path: '/api/surveys',
    summary: 'Create a survey (draft)',
    request: { body: { content: { 'application/json': { schema: createSurveyBodySchema } } } },
    responses: {
      201: { description: 'Created', content: { 'application/json': { schema: surveyDtoSchema } } },
      ...errorResponses(413),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/surveys',
    summary: 'List surveys',
    request: { query: listSurveysQuerySchema },
    responses: {
      200: {
        description: 'Surveys, newest first',
        content: {
          'application/json': { schema: surveyDtoSchema.array().transform((data) => ({ data })) },
        },
      },
      ...errorResponses(),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/surveys/{id}',
    summary: 'Get a survey',
    request: idParams,
    responses: {
      200: {
        description: 'The survey',
        content: { 'application/json': { schema: surveyDtoSchema } },
      },
      ...errorResponses(404),
    },
  });
  registry.registerPath({
    method: 'post',
    path: '/api/surveys/{id}/launch',
    summary: 'Activate a draft or paused survey',
    request: idParams,
    responses: {
      200: {
        description: 'The active survey',
        content: { 'application/json': { schema: surveyDtoSchema } },
      },
      ...errorResponses(404, 409),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/surveys/{id}/metrics',
    summary: 'Score of a survey (NPS, CSAT or CES), computed in SQL',
    request: idParams,
    responses: {
      200: {
        description: 'Metrics',
        content: { 'application/json': { schema: surveyMetricsDtoSchema } },
      },
      ...errorResponses(404),
    },
  });
}
