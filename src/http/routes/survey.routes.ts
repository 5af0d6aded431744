import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../context';
import {
  createSurveyBodySchema,
  listSurveysQuerySchema,
  surveyDtoSchema,
  surveyIdParamsSchema,
  updateSurveyBodySchema,
} from '../../surveys/survey.schemas';
import {
  changeSurvey,
  createSurvey,
  findSurveys,
  getSurvey,
  removeSurvey,
  transitionSurvey,
} from '../../surveys/survey.service';
import { READERS, WRITERS, allow, authOf } from '../auth';
import { errorResponses } from '../openapi-common';
import { parse } from '../validate';

const surveyListSchema = z.object({
  data: z.array(surveyDtoSchema),
  nextCursor: z.uuid().nullable(),
});

export function surveyRoutes(ctx: AppContext): Router {
  const router = Router();
  router.post('/', allow(...WRITERS), async (req, res) => {
    const body = parse(createSurveyBodySchema, req.body, 'body');
    res
      .status(201)
      .json(await createSurvey(ctx.db, authOf(req).workspaceId, body, ctx.clock.now()));
  });
  router.get('/', allow(...READERS), async (req, res) => {
    const query = parse(listSurveysQuerySchema, req.query, 'query');
    res.json(await findSurveys(ctx.db, authOf(req).workspaceId, query));
  });
  router.get('/:id', allow(...READERS), async (req, res) => {
    const { id } = parse(surveyIdParamsSchema, req.params, 'params');
    res.json(await getSurvey(ctx.db, authOf(req).workspaceId, id));
  });
  router.patch('/:id', allow(...WRITERS), async (req, res) => {
    const { id } = parse(surveyIdParamsSchema, req.params, 'params');
    const body = parse(updateSurveyBodySchema, req.body, 'body');
    res.json(await changeSurvey(ctx.db, ctx.clock, authOf(req).workspaceId, id, body));
  });
  router.delete('/:id', allow(...WRITERS), async (req, res) => {
    const { id } = parse(surveyIdParamsSchema, req.params, 'params');
    await removeSurvey(ctx.db, authOf(req).workspaceId, id);
    res.status(204).end();
  });
  for (const transition of ['launch', 'pause', 'close'] as const) {
    router.post(`/:id/${transition}`, allow(...WRITERS), async (req, res) => {
      const { id } = parse(surveyIdParamsSchema, req.params, 'params');
      res.json(await transitionSurvey(ctx.db, ctx.clock, authOf(req).workspaceId, id, transition));
    });
  }
  return router;
}

export function registerSurveyPaths(registry: OpenAPIRegistry): void {
  const idParams = { params: surveyIdParamsSchema };
  const one = (description: string) => ({
    description,
    content: { 'application/json': { schema: surveyDtoSchema } },
  });
  registry.registerPath({
    method: 'post',
    path: '/api/surveys',
    summary: 'Create a survey (draft) with its trigger',
    request: { body: { content: { 'application/json': { schema: createSurveyBodySchema } } } },
    responses: { 201: one('Created'), ...errorResponses(413) },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/surveys',
    summary: 'List surveys, newest first, filtered by status, kind, event type or name',
    request: { query: listSurveysQuerySchema },
    responses: {
      200: {
        description: 'One page of surveys; pass `nextCursor` as `cursor` for the next',
        content: { 'application/json': { schema: surveyListSchema } },
      },
      ...errorResponses(),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/surveys/{id}',
    summary: 'Get a survey',
    request: idParams,
    responses: { 200: one('The survey'), ...errorResponses(404) },
  });
  registry.registerPath({
    method: 'patch',
    path: '/api/surveys/{id}',
    summary: 'Change a survey (not once closed; the kind only while a draft)',
    request: {
      ...idParams,
      body: { content: { 'application/json': { schema: updateSurveyBodySchema } } },
    },
    responses: { 200: one('The changed survey'), ...errorResponses(404, 409, 413) },
  });
  registry.registerPath({
    method: 'delete',
    path: '/api/surveys/{id}',
    summary: 'Delete a draft that never sent an invitation (close other surveys instead)',
    request: idParams,
    responses: { 204: { description: 'Deleted' }, ...errorResponses(404, 409) },
  });
  const transitions = {
    launch: 'Activate a draft or paused survey',
    pause: 'Pause an active survey: new events and due sends are skipped (reason survey_paused)',
    close: 'Close a survey for good: no more invitations, its links answer 410',
  } as const;
  for (const [transition, summary] of Object.entries(transitions)) {
    registry.registerPath({
      method: 'post',
      path: `/api/surveys/{id}/${transition}`,
      summary,
      request: idParams,
      responses: { 200: one('The survey after the change'), ...errorResponses(404, 409) },
    });
  }
}
