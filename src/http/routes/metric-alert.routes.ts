import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../context';
import {
  createMetricAlertRuleBodySchema,
  metricAlertRuleDtoSchema,
  metricAlertRuleIdParamsSchema,
  updateMetricAlertRuleBodySchema,
} from '../../analytics/metric-alert.schemas';
import {
  createMetricAlertRule,
  getMetricAlertRule,
  listMetricAlertRules,
  removeMetricAlertRule,
  updateMetricAlertRule,
} from '../../analytics/metric-alert.service';
import { allow, authOf } from '../auth';
import { errorResponses } from '../openapi-common';
import { parse } from '../validate';

/** `/api/metric-alerts`: watches on a survey's score or volume, each with its episodes. */
export function metricAlertRoutes(ctx: AppContext): Router {
  const router = Router();
  // NOTE: the same roles as chat alerts: a rule may post to a Slack or Teams channel.
  router.use(allow('admin', 'manager'));
  router.post('/', async (req, res) => {
    const body = parse(createMetricAlertRuleBodySchema, req.body, 'body');
    res
      .status(201)
      .json(await createMetricAlertRule(ctx.db, ctx.clock, authOf(req).workspaceId, body));
  });
  router.get('/', async (req, res) => {
    res.json({ data: await listMetricAlertRules(ctx.db, authOf(req).workspaceId) });
  });
  router.get('/:id', async (req, res) => {
    const { id } = parse(metricAlertRuleIdParamsSchema, req.params, 'params');
    res.json(await getMetricAlertRule(ctx.db, authOf(req).workspaceId, id));
  });
  router.patch('/:id', async (req, res) => {
    const { id } = parse(metricAlertRuleIdParamsSchema, req.params, 'params');
    const body = parse(updateMetricAlertRuleBodySchema, req.body, 'body');
    res.json(await updateMetricAlertRule(ctx.db, authOf(req).workspaceId, id, body));
  });
  router.delete('/:id', async (req, res) => {
    const { id } = parse(metricAlertRuleIdParamsSchema, req.params, 'params');
    await removeMetricAlertRule(ctx.db, authOf(req).workspaceId, id);
    res.status(204).end();
  });
  return router;
}

export function registerMetricAlertPaths(registry: OpenAPIRegistry): void {
  const json = <T>(schema: T) => ({ 'application/json': { schema } });
  registry.registerPath({
    method: 'post',
    path: '/api/metric-alerts',
    summary: 'Watch a survey: score below a threshold, a significant drop, or low volume',
    request: { body: { content: json(createMetricAlertRuleBodySchema) } },
    responses: {
      201: { description: 'Created', content: json(metricAlertRuleDtoSchema) },
      ...errorResponses(413),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/metric-alerts',
    summary: 'List metric alert rules with their state and newest episodes',
    responses: {
      200: {
        description: 'Rules',
        content: json(z.object({ data: z.array(metricAlertRuleDtoSchema) })),
      },
      ...errorResponses(),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/metric-alerts/{id}',
    summary: 'One metric alert rule with its episodes',
    request: { params: metricAlertRuleIdParamsSchema },
    responses: {
      200: { description: 'The rule', content: json(metricAlertRuleDtoSchema) },
      ...errorResponses(404),
    },
  });
  registry.registerPath({
    method: 'patch',
    path: '/api/metric-alerts/{id}',
    summary: 'Change some fields of a metric alert rule; the merged rule is checked as on create',
    request: {
      params: metricAlertRuleIdParamsSchema,
      body: { content: json(updateMetricAlertRuleBodySchema) },
    },
    responses: {
      200: { description: 'The changed rule', content: json(metricAlertRuleDtoSchema) },
      ...errorResponses(404, 413),
    },
  });
  registry.registerPath({
    method: 'delete',
    path: '/api/metric-alerts/{id}',
    summary: 'Delete a metric alert rule and its episodes',
    request: { params: metricAlertRuleIdParamsSchema },
    responses: { 204: { description: 'Deleted' }, ...errorResponses(404) },
  });
}
