import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../context';
import {
  contactIdParamsSchema,
  listSuppressionsQuerySchema,
  suppressionBodySchema,
  suppressionDtoSchema,
} from '../../contacts/contact.schemas';
import { listSuppressions, suppress, unsuppress } from '../../contacts/suppression.service';
import type { SuppressionKind } from '../../contacts/suppression.service';
import { READERS, WRITERS, allow, authOf } from '../auth';
import { errorResponses } from '../openapi-common';
import { parse } from '../validate';

const listSchema = z.object({
  data: z.array(suppressionDtoSchema),
  nextCursor: z.uuid().nullable(),
});

/** `/api/unsubscribes` or `/api/bounces`: the workspace's suppression lists. */
export function suppressionRoutes(ctx: AppContext, kind: SuppressionKind): Router {
  const router = Router();
  router.post('/', allow(...WRITERS), async (req, res) => {
    const body = parse(suppressionBodySchema, req.body, 'body');
    const result = await suppress(
      ctx.db,
      ctx.clock,
      authOf(req).workspaceId,
      kind,
      body,
      ctx.hashEmail,
    );
    res.status(result.created ? 201 : 200).json(result.suppression);
  });
  router.get('/', allow(...READERS), async (req, res) => {
    const query = parse(listSuppressionsQuerySchema, req.query, 'query');
    res.json(await listSuppressions(ctx.db, authOf(req).workspaceId, kind, query));
  });
  router.delete('/:id', allow(...WRITERS), async (req, res) => {
    const { id } = parse(contactIdParamsSchema, req.params, 'params');
    await unsuppress(ctx.db, ctx.clock, authOf(req).workspaceId, kind, id, ctx.hashEmail);
    res.status(204).end();
  });
  return router;
}

export function registerSuppressionPaths(registry: OpenAPIRegistry): void {
  const lists = {
    unsubscribes: 'unsubscribed',
    bounces: 'bounced',
  } as const;
  for (const [path, kind] of Object.entries(lists)) {
    const one = (description: string) => ({
      description,
      content: { 'application/json': { schema: suppressionDtoSchema } },
    });
    registry.registerPath({
      method: 'post',
      path: `/api/${path}`,
      summary: `Mark an address ${kind}: no invitation or reminder goes to it any more`,
      request: { body: { content: { 'application/json': { schema: suppressionBodySchema } } } },
      responses: {
        200: one('Already on the list'),
        201: one('Added'),
        ...errorResponses(413),
      },
    });
    registry.registerPath({
      method: 'get',
      path: `/api/${path}`,
      summary: `List ${kind} contacts, newest first`,
      request: { query: listSuppressionsQuerySchema },
      responses: {
        200: { description: 'One page', content: { 'application/json': { schema: listSchema } } },
        ...errorResponses(),
      },
    });
    registry.registerPath({
      method: 'delete',
      path: `/api/${path}/{id}`,
      summary: `Take a contact (by contact id) off the ${kind} list`,
      request: { params: contactIdParamsSchema },
      responses: { 204: { description: 'Removed' }, ...errorResponses(404) },
    });
  }
}
