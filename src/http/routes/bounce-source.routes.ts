import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import express, { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../context';
import {
  bounceIntakeParamsSchema,
  bounceIntakeResultSchema,
  bounceProviderParamsSchema,
  bounceSourceDtoSchema,
  configureBounceSourceBodySchema,
  configureBounceSourceBodySchemas,
  configuredBounceSourceDtoSchema,
} from '../../bounces/bounce-source.schemas';
import {
  configureBounceSource,
  listBounceSources,
  removeBounceSource,
} from '../../bounces/bounce-source.service';
import { receiveBounceCall } from '../../bounces/bounce-intake.service';
import { allow, authOf } from '../auth';
import { headersOf } from '../inbound';
import { apiRateLimit } from '../rate-limit';
import { errorResponses } from '../openapi-common';
import { parse } from '../validate';

/** `/api/bounce-sources`: which mail providers may report bounces, and how they are checked. */
export function bounceSourceRoutes(ctx: AppContext): Router {
  const router = Router();
  // NOTE: the keys decide whose reports suppress addresses; admins and managers only.
  router.use(allow('admin', 'manager'));
  router.get('/', async (req, res) => {
    res.json({ data: await listBounceSources(ctx.db, ctx.config, authOf(req).workspaceId) });
  });
  router.put('/:provider', async (req, res) => {
    const { provider } = parse(bounceProviderParamsSchema, req.params, 'params');
    const body = parse(configureBounceSourceBodySchemas[provider], req.body ?? {}, 'body');
    const { source, created } = await configureBounceSource(
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
    const { provider } = parse(bounceProviderParamsSchema, req.params, 'params');
    await removeBounceSource(ctx.db, authOf(req).workspaceId, provider);
    res.status(204).end();
  });
  return router;
}

/**
 * `/inbound/bounces/:provider/:sourceId`: the providers' own calls. The body is read raw, whatever
 * its type (SNS posts JSON as text/plain), since signatures cover the exact bytes.
 */
export function bounceIntakeRoutes(ctx: AppContext): Router {
  const router = Router();
  // NOTE: per source URL, not per address: providers post from many addresses. A refused call
  // is retried by every provider (SNS, SendGrid, Mailgun and Postmark all retry on 429).
  router.use(apiRateLimit(ctx, 'inbound-bounces', (req) => req.path.slice(0, 200)));
  router.post(
    '/:provider/:sourceId',
    express.raw({ type: () => true, limit: ctx.config.BODY_LIMIT_BYTES }),
    async (req, res) => {
      const { provider, sourceId } = parse(bounceIntakeParamsSchema, req.params, 'params');
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      res.json(await receiveBounceCall(ctx, provider, sourceId, { headers: headersOf(req), body }));
    },
  );
  return router;
}

export function registerBounceSourcePaths(registry: OpenAPIRegistry): void {
  const json = <T>(schema: T) => ({ 'application/json': { schema } });
  registry.registerPath({
    method: 'get',
    path: '/api/bounce-sources',
    summary: 'Mail providers set up to report bounces and complaints',
    responses: {
      200: {
        description: 'Sources',
        content: json(z.object({ data: z.array(bounceSourceDtoSchema) })),
      },
      ...errorResponses(),
    },
  });
  registry.registerPath({
    method: 'put',
    path: '/api/bounce-sources/{provider}',
    summary:
      'Set or replace the key that checks a provider’s bounce webhooks (mailgun: signingKey, sendgrid: verificationKey, ses: topicArn, postmark: empty body)',
    request: {
      params: bounceProviderParamsSchema,
      body: { content: json(configureBounceSourceBodySchema) },
    },
    responses: {
      200: { description: 'Replaced', content: json(configuredBounceSourceDtoSchema) },
      201: { description: 'Created', content: json(configuredBounceSourceDtoSchema) },
      ...errorResponses(413),
    },
  });
  registry.registerPath({
    method: 'delete',
    path: '/api/bounce-sources/{provider}',
    summary: 'Stop accepting a provider’s bounce webhooks',
    request: { params: bounceProviderParamsSchema },
    responses: { 204: { description: 'Removed' }, ...errorResponses(404) },
  });
  registry.registerPath({
    method: 'post',
    path: '/inbound/bounces/{provider}/{sourceId}',
    summary:
      'A provider’s bounce or complaint webhook (Postmark basic auth, Mailgun and SendGrid signatures, SNS signatures for SES)',
    security: [],
    request: { params: bounceIntakeParamsSchema },
    responses: {
      200: { description: 'Recorded', content: json(bounceIntakeResultSchema) },
      401: { description: 'Unsigned or wrongly signed; nothing stored' },
      ...errorResponses(404, 413),
    },
  });
}
