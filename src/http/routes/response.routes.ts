import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../context';
import {
  importResponsesBodySchema,
  importResultSchema,
  listResponsesQuerySchema,
  patchResponseBodySchema,
  responseDtoSchema,
  responseIdParamsSchema,
  responsePageSchema,
} from '../../collector/response.schemas';
import {
  exportResponsesCsv,
  getResponse,
  importResponses,
  listResponses,
  reviewResponse,
} from '../../collector/response.service';
import { READERS, WRITERS, allow, authOf } from '../auth';
import { errorResponses } from '../openapi-common';
import { parse } from '../validate';

export function responseRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/', allow(...READERS), async (req, res) => {
    const query = parse(listResponsesQuerySchema, req.query, 'query');
    res.json(await listResponses(ctx.db, authOf(req).workspaceId, query));
  });
  router.get('/export.csv', allow(...READERS), async (req, res) => {
    // NOTE: the export ignores cursor and limit: it streams every matching row.
    const query = parse(listResponsesQuerySchema, req.query, 'query');
    const rows = exportResponsesCsv(ctx.db, authOf(req).workspaceId, {
      ...query,
      cursor: undefined,
      limit: undefined,
    });
    // The first chunk is read before the headers go out, so a bad query still gets JSON.
    const first = await rows.next();
    res.status(200);
    res.type('text/csv; charset=utf-8');
    res.set('Content-Disposition', 'attachment; filename="responses.csv"');
    res.set('Cache-Control', 'no-store');
    res.set('X-Content-Type-Options', 'nosniff');
    if (!first.done) {
      res.write(first.value);
    }
    for await (const chunk of rows) {
      if (!res.write(chunk)) {
        await new Promise<void>((resolve) => res.once('drain', resolve));
      }
      if (req.destroyed) {
        return;
      }
    }
    res.end();
  });
  router.get('/:id', allow(...READERS), async (req, res) => {
    const { id } = parse(responseIdParamsSchema, req.params, 'params');
    res.json(await getResponse(ctx.db, authOf(req).workspaceId, id));
  });
  router.patch('/:id', allow(...WRITERS), async (req, res) => {
    const { id } = parse(responseIdParamsSchema, req.params, 'params');
    const body = parse(patchResponseBodySchema, req.body, 'body');
    res.json(await reviewResponse(ctx, authOf(req).workspaceId, id, body));
  });
  router.post('/', allow(...WRITERS), async (req, res) => {
    const body = parse(importResponsesBodySchema, req.body, 'body');
    res.status(201).json(await importResponses(ctx.db, ctx.clock, authOf(req).workspaceId, body));
  });
  return router;
}

export function registerResponsePaths(registry: OpenAPIRegistry): void {
  const idParams = { params: responseIdParamsSchema };
  registry.registerPath({
    method: 'get',
    path: '/api/responses',
    summary: 'List responses, newest first, with filters and a cursor',
    request: { query: listResponsesQuerySchema },
    responses: {
      200: {
        description: 'One page',
        content: { 'application/json': { schema: responsePageSchema } },
      },
      ...errorResponses(),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/responses/export.csv',
    summary: 'Export responses as CSV (streamed, oldest first; formula-safe cells)',
    request: { query: listResponsesQuerySchema },
    responses: {
      200: { description: 'CSV', content: { 'text/csv': { schema: z.string() } } },
      ...errorResponses(),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/responses/{id}',
    summary: 'Get a response',
    request: idParams,
    responses: {
      200: {
        description: 'The response',
        content: { 'application/json': { schema: responseDtoSchema } },
      },
      ...errorResponses(404),
    },
  });
  registry.registerPath({
    method: 'patch',
    path: '/api/responses/{id}',
    summary: 'Flag a response (excluded from scores) or unflag it (re-included, confirmed)',
    request: {
      ...idParams,
      body: { content: { 'application/json': { schema: patchResponseBodySchema } } },
    },
    responses: {
      200: {
        description: 'The response',
        content: { 'application/json': { schema: responseDtoSchema } },
      },
      ...errorResponses(404),
    },
  });
  registry.registerPath({
    method: 'post',
    path: '/api/responses',
    summary: 'Import responses collected elsewhere, with their original timestamps',
    request: { body: { content: { 'application/json': { schema: importResponsesBodySchema } } } },
    responses: {
      201: {
        description: 'Imported',
        content: { 'application/json': { schema: importResultSchema } },
      },
      ...errorResponses(413),
    },
  });
}
