import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import type { Request } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../context';
import { sendQuotaAlert } from '../../dispatch/quota-alert.service';
import {
  createEventBatchBodySchema,
  createEventBodySchema,
  eventAcceptedDtoSchema,
  eventBatchResultDtoSchema,
  idempotencyKeySchema,
} from '../../dispatch/event.schemas';
import { ingestEvent, ingestEvents } from '../../dispatch/ingest.service';
import { allow, authOf } from '../auth';
import { errorResponses } from '../openapi-common';
import { parse } from '../validate';

const headersSchema = z.object({ 'idempotency-key': idempotencyKeySchema.optional() });

const INGEST_ROLES = ['admin', 'manager', 'ingest'] as const;

function idempotencyKey(req: Request): string | undefined {
  return parse(headersSchema, { 'idempotency-key': req.get('idempotency-key') }, 'header')[
    'idempotency-key'
  ];
}

export function eventRoutes(ctx: AppContext): Router {
  const router = Router();
  const alertQuota = (workspaceId: string) => {
    ctx.logger.warn({ workspaceId }, 'daily send quota reached: further invitations are skipped');
    ctx.metrics.quotaAlerts.inc();
    // NOTE: after the response; an alert that fails to send is logged, never fails the ingest.
    void sendQuotaAlert({ ...ctx, publicUrl: ctx.config.PUBLIC_URL }, workspaceId).catch(
      (err: unknown) =>
        ctx.logger.error({ workspaceId, err: (err as Error).message }, 'quota alert not sent'),
    );
  };

  router.post('/', allow(...INGEST_ROLES), async (req, res) => {
    const key = idempotencyKey(req);
    const body = parse(createEventBodySchema, req.body, 'body');
    const { workspaceId } = authOf(req);
    const result = await ingestEvent(ctx.db, ctx.clock, workspaceId, body, key, ctx.hashEmail);
    ctx.metrics.eventsIngested.inc({ outcome: result.replayed ? 'replayed' : 'accepted' });
    if (result.quotaAlert) {
      alertQuota(workspaceId);
    }
    if (result.replayed) {
      res.set('Idempotent-Replayed', 'true');
    }
    res.status(result.status).json(result.body);
  });

  router.post('/batch', allow(...INGEST_ROLES), async (req, res) => {
    const key = idempotencyKey(req);
    const body = parse(createEventBatchBodySchema, req.body, 'body');
    const { workspaceId } = authOf(req);
    const { results, quotaAlert } = await ingestEvents(
      ctx.db,
      ctx.clock,
      workspaceId,
      body.events,
      key,
      ctx.hashEmail,
    );
    if (quotaAlert) {
      alertQuota(workspaceId);
    }
    const accepted = results.filter((r) => r.status < 300).length;
    for (const r of results) {
      ctx.metrics.eventsIngested.inc({
        outcome: r.status >= 300 ? 'refused' : r.replayed ? 'replayed' : 'accepted',
      });
    }
    res.status(200).json({ accepted, failed: results.length - accepted, results });
  });
  return router;
}

export function registerEventPaths(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'post',
    path: '/api/events',
    summary: 'Record a customer event; triggers the surveys that listen for its type',
    description:
      'Writes only to Postgres (event, invitations, outbox) in one transaction, so it works while Redis is down. With an `Idempotency-Key` header (or `idempotencyKey` field) a repeated request replays the first answer (header `Idempotent-Replayed: true`); the same key with a different body is refused with 422; a repeat while the first is still in flight gets 409 and may be retried.',
    request: {
      headers: headersSchema,
      body: { content: { 'application/json': { schema: createEventBodySchema } } },
    },
    responses: {
      202: {
        description: 'Accepted; invitations scheduled or skipped with a reason',
        content: { 'application/json': { schema: eventAcceptedDtoSchema } },
      },
      ...errorResponses(409, 413, 422),
    },
  });
  registry.registerPath({
    method: 'post',
    path: '/api/events/batch',
    summary: 'Record up to 1,000 events; each is its own transaction',
    description:
      'An invalid item rejects the whole batch with 400 naming `events.<i>.<field>`. Otherwise each item gets the status POST /api/events would have given (202, or 409/422 for idempotency conflicts). An item’s key is its `idempotencyKey`, else `<Idempotency-Key header>:<index>`, so re-posting a batch replays it.',
    request: {
      headers: headersSchema,
      body: { content: { 'application/json': { schema: createEventBatchBodySchema } } },
    },
    responses: {
      200: {
        description: 'Per-item results, in request order',
        content: { 'application/json': { schema: eventBatchResultDtoSchema } },
      },
      ...errorResponses(413),
    },
  });
}
