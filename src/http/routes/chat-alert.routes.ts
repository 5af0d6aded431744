import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../context';
import {
  chatAlertDeliveryDtoSchema,
  chatAlertDeliveryPageSchema,
  chatAlertRuleDtoSchema,
  chatAlertRuleIdParamsSchema,
  createChatAlertRuleBodySchema,
  listChatAlertDeliveriesQuerySchema,
} from '../../webhooks/chat-alert.schemas';
import {
  createChatAlertRule,
  listChatAlertDeliveries,
  listChatAlertRules,
  removeChatAlertRule,
  sendTestChatAlert,
} from '../../webhooks/chat-alert.service';
import { allow, authOf } from '../auth';
import { errorResponses } from '../openapi-common';
import { parse } from '../validate';

/** `/api/chat-alerts`: Slack and Teams channels that hear about answers, and their logs. */
export function chatAlertRoutes(ctx: AppContext): Router {
  const router = Router();
  // NOTE: alerts carry comments out of Glas, as webhooks do; admins and managers only.
  router.use(allow('admin', 'manager'));
  router.post('/', async (req, res) => {
    const body = parse(createChatAlertRuleBodySchema, req.body, 'body');
    res
      .status(201)
      .json(
        await createChatAlertRule(ctx.db, ctx.clock, ctx.config, authOf(req).workspaceId, body),
      );
  });
  router.get('/', async (req, res) => {
    res.json({ data: await listChatAlertRules(ctx.db, authOf(req).workspaceId) });
  });
  router.delete('/:id', async (req, res) => {
    const { id } = parse(chatAlertRuleIdParamsSchema, req.params, 'params');
    await removeChatAlertRule(ctx.db, authOf(req).workspaceId, id);
    res.status(204).end();
  });
  router.post('/:id/test', async (req, res) => {
    const { id } = parse(chatAlertRuleIdParamsSchema, req.params, 'params');
    res
      .status(202)
      .json(
        await sendTestChatAlert(
          ctx.db,
          ctx.clock,
          ctx.config.PUBLIC_URL,
          authOf(req).workspaceId,
          id,
        ),
      );
  });
  router.get('/:id/deliveries', async (req, res) => {
    const { id } = parse(chatAlertRuleIdParamsSchema, req.params, 'params');
    const query = parse(listChatAlertDeliveriesQuerySchema, req.query, 'query');
    res.json(await listChatAlertDeliveries(ctx.db, authOf(req).workspaceId, id, query));
  });
  return router;
}

export function registerChatAlertPaths(registry: OpenAPIRegistry): void {
  const json = <T>(schema: T) => ({ 'application/json': { schema } });
  registry.registerPath({
    method: 'post',
    path: '/api/chat-alerts',
    summary: 'Alert a Slack or Teams channel (incoming webhook) about matching answers',
    request: { body: { content: json(createChatAlertRuleBodySchema) } },
    responses: {
      201: { description: 'Created', content: json(chatAlertRuleDtoSchema) },
      ...errorResponses(413),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/chat-alerts',
    summary: 'List chat alert rules (webhook URLs are never shown)',
    responses: {
      200: {
        description: 'Rules',
        content: json(z.object({ data: z.array(chatAlertRuleDtoSchema) })),
      },
      ...errorResponses(),
    },
  });
  registry.registerPath({
    method: 'delete',
    path: '/api/chat-alerts/{id}',
    summary: 'Delete a chat alert rule and its delivery log',
    description:
      'Refused with 409 `chat_alert_rule_in_use` while metric alerts post through the rule.',
    request: { params: chatAlertRuleIdParamsSchema },
    responses: { 204: { description: 'Deleted' }, ...errorResponses(404, 409) },
  });
  registry.registerPath({
    method: 'post',
    path: '/api/chat-alerts/{id}/test',
    summary: 'Send a test alert through the rule’s channel',
    request: { params: chatAlertRuleIdParamsSchema },
    responses: {
      202: { description: 'Queued', content: json(chatAlertDeliveryDtoSchema) },
      ...errorResponses(404),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/chat-alerts/{id}/deliveries',
    summary: 'Delivery log of a chat alert rule, newest first',
    request: { params: chatAlertRuleIdParamsSchema, query: listChatAlertDeliveriesQuerySchema },
    responses: {
      200: { description: 'One page', content: json(chatAlertDeliveryPageSchema) },
      ...errorResponses(404),
    },
  });
}
