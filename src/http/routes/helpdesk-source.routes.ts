import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import express, { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../context';
import {
  configureHelpdeskSourceBodySchema,
  configureHelpdeskSourceBodySchemas,
  configuredHelpdeskSourceDtoSchema,
  helpdeskIntakeParamsSchema,
  helpdeskIntakeResultSchema,
  helpdeskProviderParamsSchema,
  helpdeskSourceDtoSchema,
} from '../../helpdesk/helpdesk-source.schemas';
import {
  configureHelpdeskSource,
  listHelpdeskSources,
  removeHelpdeskSource,
} from '../../helpdesk/helpdesk-source.service';
import { receiveHelpdeskCall } from '../../helpdesk/helpdesk-intake.service';
import { allow, authOf } from '../auth';
import { headersOf } from '../inbound';
import { apiRateLimit } from '../rate-limit';
import { errorResponses } from '../openapi-common';
import { parse } from '../validate';

/** `/api/helpdesk-sources`: which helpdesks may turn solved tickets into events, and how. */
export function helpdeskSourceRoutes(ctx: AppContext): Router {
  const router = Router();
  // NOTE: a source sends surveys in the workspace's name; admins and managers only.
  router.use(allow('admin', 'manager'));
  router.get('/', async (req, res) => {
    res.json({ data: await listHelpdeskSources(ctx.db, ctx.config, authOf(req).workspaceId) });
  });
  router.put('/:provider', async (req, res) => {
    const { provider } = parse(helpdeskProviderParamsSchema, req.params, 'params');
    const body = parse(configureHelpdeskSourceBodySchemas[provider], req.body ?? {}, 'body');
    const { source, created } = await configureHelpdeskSource(
      ctx.db,
      ctx.clock,
      ctx.config,
      authOf(req).workspaceId,
      provider,
      body,
    );
    res.status(created ? 201 : 200).json(source);
  });
  router.delete('/:provider', async (req, res) => {
    const { provider } = parse(helpdeskProviderParamsSchema, req.params, 'params');
    await removeHelpdeskSource(ctx.db, authOf(req).workspaceId, provider);
    res.status(204).end();
  });
  return router;
}

/**
 * `/inbound/helpdesk/:provider/:sourceId[/:token]`: the helpdesks' own calls, read raw since
 * signatures cover the exact bytes. 202: the event is stored; the invitations go out later.
 */
export function helpdeskIntakeRoutes(ctx: AppContext): Router {
  const router = Router();
  // NOTE: per source URL, not per address: helpdesks post from many addresses.
  router.use(
    apiRateLimit(ctx, 'inbound-helpdesk', (req) =>
      req.path.split('/').slice(0, 3).join('/').slice(0, 200),
    ),
  );
  router.post(
    '/:provider/:sourceId{/:token}',
    express.raw({ type: () => true, limit: ctx.config.BODY_LIMIT_BYTES }),
    async (req, res) => {
      const { provider, sourceId, token } = parse(helpdeskIntakeParamsSchema, req.params, 'params');
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const result = await receiveHelpdeskCall(ctx, provider, sourceId, {
        method: req.method,
        url: ctx.config.PUBLIC_URL + req.originalUrl,
        headers: headersOf(req),
        body,
        ...(token ? { token } : {}),
      });
      res.status(202).json(result);
    },
  );
  return router;
}

export function registerHelpdeskSourcePaths(registry: OpenAPIRegistry): void {
  const json = <T>(schema: T) => ({ 'application/json': { schema } });
  registry.registerPath({
    method: 'get',
    path: '/api/helpdesk-sources',
    summary: 'Helpdesks set up to turn solved tickets into events',
    responses: {
      200: {
        description: 'Sources',
        content: json(z.object({ data: z.array(helpdeskSourceDtoSchema) })),
      },
      ...errorResponses(),
    },
  });
  registry.registerPath({
    method: 'put',
    path: '/api/helpdesk-sources/{provider}',
    summary:
      'Set or replace a helpdesk source (zendesk: signingSecret, intercom and hubspot: clientSecret, freescout: signingKey; all: optional eventType, default ticket.solved)',
    request: {
      params: helpdeskProviderParamsSchema,
      body: { content: json(configureHelpdeskSourceBodySchema) },
    },
    responses: {
      200: { description: 'Replaced', content: json(configuredHelpdeskSourceDtoSchema) },
      201: { description: 'Created', content: json(configuredHelpdeskSourceDtoSchema) },
      ...errorResponses(413),
    },
  });
  registry.registerPath({
    method: 'delete',
    path: '/api/helpdesk-sources/{provider}',
    summary: 'Stop accepting a helpdesk’s solved tickets',
    request: { params: helpdeskProviderParamsSchema },
    responses: { 204: { description: 'Removed' }, ...errorResponses(404) },
  });
  registry.registerPath({
    method: 'post',
    path: '/inbound/helpdesk/{provider}/{sourceId}/{token}',
    summary:
      'A helpdesk’s solved-ticket webhook (Zendesk, Zammad, Intercom and HubSpot signatures; Chatwoot and Freshdesk: the token in the URL, absent for the others)',
    security: [],
    request: { params: helpdeskIntakeParamsSchema },
    responses: {
      202: {
        description: 'Stored (or a repeat, or ignored)',
        content: json(helpdeskIntakeResultSchema),
      },
      401: { description: 'Unsigned or wrongly signed; nothing stored' },
      ...errorResponses(404, 413),
    },
  });
}
