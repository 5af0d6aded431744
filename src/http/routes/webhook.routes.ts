import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import type { AppContext } from '../../context';
import {
  createWebhookBodySchema,
  createdWebhookDtoSchema,
  deliveryDtoSchema,
  deliveryPageSchema,
  deliveryParamsSchema,
  listDeliveriesQuerySchema,
  webhookDtoSchema,
  webhookIdParamsSchema,
} from '../../webhooks/webhook.schemas';
import {
  createWebhook,
  deleteWebhook,
  listDeliveries,
  listWebhooks,
  replayDelivery,
} from '../../webhooks/webhook.service';
import { allow, authOf } from '../auth';
import { errorResponses } from '../openapi-common';
import { parse } from '../validate';

export function webhookRoutes(ctx: AppContext): Router {
  const router = Router();
  // NOTE: webhooks carry comments and contact emails out; only admins and managers manage them.
  router.use(allow('admin', 'manager'));
  router.post('/', async (req, res) => {
    const body = parse(createWebhookBodySchema, req.body, 'body');
    res
      .status(201)
      .json(await createWebhook(ctx.db, ctx.clock, ctx.config, authOf(req).workspaceId, body));
  });
  router.get('/', async (req, res) => {
    res.json({ data: await listWebhooks(ctx.db, authOf(req).workspaceId) });
  });
  router.delete('/:id', async (req, res) => {
    const { id } = parse(webhookIdParamsSchema, req.params, 'params');
    await deleteWebhook(ctx.db, authOf(req).workspaceId, id);
    res.status(204).end();
  });
  router.get('/:id/deliveries', async (req, res) => {
    const { id } = parse(webhookIdParamsSchema, req.params, 'params');
    const query = parse(listDeliveriesQuerySchema, req.query, 'query');
    res.json(await listDeliveries(ctx.db, authOf(req).workspaceId, id, query));
  });
  router.post('/:id/deliveries/:deliveryId/replay', async (req, res) => {
    const { id, deliveryId } = parse(deliveryParamsSchema, req.params, 'params');
    res.status(202).json(await replayDelivery(ctx, authOf(req).workspaceId, id, deliveryId));
  });
  return router;
}

export function registerWebhookPaths(registry: OpenAPIRegistry): void {
  const json = <T>(schema: T) => ({ 'application/json': { schema } });
  registry.registerPath({
    method: 'post',
    path: '/api/webhooks',
    summary: 'Register a webhook URL; the signing secret is shown once',
    request: { body: { content: json(createWebhookBodySchema) } },
    responses: {
      201: { description: 'Created', content: json(createdWebhookDtoSchema) },
      ...errorResponses(413),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/webhooks',
    summary: 'List webhooks',
    responses: {
      200: {
        description: 'Webhooks',
        content: json(webhookDtoSchema.array().transform((data) => ({ data }))),
      },
      ...errorResponses(),
    },
  });
  registry.registerPath({
    method: 'delete',
    path: '/api/webhooks/{id}',
    summary: 'Delete a webhook and its delivery log',
    request: { params: webhookIdParamsSchema },
    responses: { 204: { description: 'Deleted' }, ...errorResponses(404) },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/webhooks/{id}/deliveries',
    summary: 'Delivery log, newest first',
    request: { params: webhookIdParamsSchema, query: listDeliveriesQuerySchema },
    responses: {
      200: { description: 'One page', content: json(deliveryPageSchema) },
      ...errorResponses(404),
    },
  });
  registry.registerPath({
    method: 'post',
    path: '/api/webhooks/{id}/deliveries/{deliveryId}/replay',
    summary: 'Send a logged delivery again, as a new delivery',
    request: { params: deliveryParamsSchema },
    responses: {
      202: { description: 'Queued', content: json(deliveryDtoSchema) },
      ...errorResponses(404),
    },
  });
}
