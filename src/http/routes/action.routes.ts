import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import type { AppContext } from '../../context';
import {
  actionDtoSchema,
  actionIdParamsSchema,
  actionPageSchema,
  createActionBodySchema,
  listActionsQuerySchema,
  updateActionBodySchema,
} from '../../reports/action.schemas';
import {
  createAction,
  deleteAction,
  getAction,
  listActions,
  updateAction,
} from '../../reports/action.service';
import { READERS, WRITERS, allow, authOf } from '../auth';
import { errorResponses } from '../openapi-common';
import { parse } from '../validate';

/** /api/actions: improvement actions with owner, due date, status, target and before/after. */
export function actionRoutes(ctx: AppContext): Router {
  const router = Router();
  router.post('/', allow(...WRITERS), async (req, res) => {
    const body = parse(createActionBodySchema, req.body, 'body');
    res.status(201).json(await createAction(ctx.db, ctx.clock, authOf(req).workspaceId, body));
  });
  router.get('/', allow(...READERS), async (req, res) => {
    const query = parse(listActionsQuerySchema, req.query, 'query');
    res.json(await listActions(ctx.db, ctx.clock, authOf(req).workspaceId, query));
  });
  router.get('/:id', allow(...READERS), async (req, res) => {
    const { id } = parse(actionIdParamsSchema, req.params, 'params');
    res.json(await getAction(ctx.db, ctx.clock, authOf(req).workspaceId, id));
  });
  router.patch('/:id', allow(...WRITERS), async (req, res) => {
    const { id } = parse(actionIdParamsSchema, req.params, 'params');
    const body = parse(updateActionBodySchema, req.body, 'body');
    res.json(await updateAction(ctx.db, ctx.clock, authOf(req).workspaceId, id, body));
  });
  router.delete('/:id', allow(...WRITERS), async (req, res) => {
    const { id } = parse(actionIdParamsSchema, req.params, 'params');
    await deleteAction(ctx.db, authOf(req).workspaceId, id);
    res.status(204).end();
  });
  return router;
}

export function registerActionPaths(registry: OpenAPIRegistry): void {
  const one = (description: string) => ({
    description,
    content: { 'application/json': { schema: actionDtoSchema } },
  });
  const params = { params: actionIdParamsSchema };
  registry.registerPath({
    method: 'post',
    path: '/api/actions',
    summary: 'Create an improvement action (by hand or from a report item’s actionDraft)',
    description:
      '`effect` compares the target’s score in the 90 days before the action with the responses since; the change is shown once 30 responses arrived after it.',
    request: { body: { content: { 'application/json': { schema: createActionBodySchema } } } },
    responses: { 201: one('Created'), ...errorResponses(404, 413) },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/actions',
    summary: 'List improvement actions, newest first',
    request: { query: listActionsQuerySchema },
    responses: {
      200: {
        description: 'One page',
        content: { 'application/json': { schema: actionPageSchema } },
      },
      ...errorResponses(),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/actions/{id}',
    summary: 'An improvement action with its before/after score',
    request: params,
    responses: { 200: one('The action'), ...errorResponses(404) },
  });
  registry.registerPath({
    method: 'patch',
    path: '/api/actions/{id}',
    summary: 'Change an action (owner, due date, status, target…)',
    request: {
      ...params,
      body: { content: { 'application/json': { schema: updateActionBodySchema } } },
    },
    responses: { 200: one('The changed action'), ...errorResponses(404, 413) },
  });
  registry.registerPath({
    method: 'delete',
    path: '/api/actions/{id}',
    summary: 'Delete an action',
    request: params,
    responses: { 204: { description: 'Deleted' }, ...errorResponses(404) },
  });
}
