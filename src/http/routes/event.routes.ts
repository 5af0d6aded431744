import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../context';
import {
  createEventBodySchema,
  eventAcceptedDtoSchema,
  idempotencyKeySchema,
} from '../../surveys/event.schemas';
import { ingestEvent } from '../../surveys/event.service';
import { allow, authOf } from '../auth';
import { errorResponses } from '../openapi-common';
import { parse } from '../validate';

const headersSchema = z.object({ 'idempotency-key': idempotencyKeySchema.optional() });

export function eventRoutes(ctx: AppContext): Router {
  const router = Router();
  router.post('/', allow('admin', 'manager', 'ingest'), async (req, res) => {
    const headers = parse(
      headersSchema,
      { 'idempotency-key': req.get('idempotency-key') },
      'header',
    );
    const body = parse(createEventBodySchema, req.body, 'body');
    const result = await ingestEvent(
      ctx.db,
      ctx.clock,
      authOf(req).workspaceId,
      body,
      headers['idempotency-key'],
    );
    ctx.metrics.eventsIngested.inc({ outcome: result.replayed ? 'replayed' : 'accepted' });
    if (result.replayed) {
      res.set('Idempotent-Replayed', 'true');
    }
    res.status(result.status).json(result.body);
  });
  return router;
}

export function registerEventPaths(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'post',
    path: '/api/events',
    summary: 'Record a customer event; triggers the surveys that listen for its type',
    description:
      'Writes only to Postgres (event, invitations, outbox) in one transaction. With an `Idempotency-Key` header (or `idempotencyKey` field) a repeated request replays the first answer; the same key with a different body is refused with 422.',
    request: {
      headers: headersSchema,
      body: { content: { 'application/json': { schema: createEventBodySchema } } },
    },
    responses: {
      202: {
        description: 'Accepted; invitations scheduled',
        content: { 'application/json': { schema: eventAcceptedDtoSchema } },
      },
      ...errorResponses(413, 422),
    },
  });
}
