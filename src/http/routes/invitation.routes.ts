import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../context';
import {
  findInvitations,
  getInvitation,
  invitationStats,
} from '../../dispatch/invitation-query.service';
import {
  invitationDtoSchema,
  invitationIdParamsSchema,
  invitationStatsDtoSchema,
  invitationStatsQuerySchema,
  listInvitationsQuerySchema,
} from '../../dispatch/invitation.schemas';
import { READERS, WRITERS, allow, authOf } from '../auth';
import { resendUnknown } from '../../dispatch/invitation.service';
import { errorResponses } from '../openapi-common';
import { parse } from '../validate';

const listSchema = z.object({
  data: z.array(invitationDtoSchema),
  nextCursor: z.uuid().nullable(),
});

export function invitationRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/', allow(...READERS), async (req, res) => {
    const query = parse(listInvitationsQuerySchema, req.query, 'query');
    res.json(await findInvitations(ctx.db, authOf(req).workspaceId, query));
  });
  router.get('/stats', allow(...READERS), async (req, res) => {
    const query = parse(invitationStatsQuerySchema, req.query, 'query');
    res.json(await invitationStats(ctx.db, authOf(req).workspaceId, query));
  });
  router.get('/:id', allow(...READERS), async (req, res) => {
    const { id } = parse(invitationIdParamsSchema, req.params, 'params');
    res.json(await getInvitation(ctx.db, authOf(req).workspaceId, id));
  });
  router.post('/:id/resend', allow(...WRITERS), async (req, res) => {
    const { id } = parse(invitationIdParamsSchema, req.params, 'params');
    await resendUnknown(ctx.db, ctx.clock, authOf(req).workspaceId, id);
    res.status(202).json(await getInvitation(ctx.db, authOf(req).workspaceId, id));
  });
  return router;
}

export function registerInvitationPaths(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'post',
    path: '/api/invitations/{id}/resend',
    summary: 'Send a send_unknown invitation again, with the same Message-ID',
    description:
      'For an invitation whose send is unknown (handed to SMTP by a worker that died before the answer). The mail goes out again with the same Message-ID, which receiving systems use to drop a duplicate, and a new survey link; the first link keeps working. 409 for any other status. Leaving it alone is the other choice: Glas never resends by itself.',
    request: { params: invitationIdParamsSchema },
    responses: {
      202: {
        description: 'Scheduled again',
        content: { 'application/json': { schema: invitationDtoSchema } },
      },
      ...errorResponses(),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/invitations',
    summary: 'List invitations, newest first, including skipped ones with their reason',
    description:
      'Every decision not to invite is an invitation with status `skipped` and a `skipReason` (quiet_period, unsubscribed, bounced, sampled_out, quota_exceeded, survey_paused; at send time also survey_closed, contact_erased). `send_unknown` marks sends whose outcome is unknown (never resent automatically).',
    request: { query: listInvitationsQuerySchema },
    responses: {
      200: { description: 'One page', content: { 'application/json': { schema: listSchema } } },
      ...errorResponses(),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/invitations/stats',
    summary: 'Invitation counts by status and skip reason',
    request: { query: invitationStatsQuerySchema },
    responses: {
      200: {
        description: 'Counts',
        content: { 'application/json': { schema: invitationStatsDtoSchema } },
      },
      ...errorResponses(),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/invitations/{id}',
    summary: 'Get one invitation',
    request: { params: invitationIdParamsSchema },
    responses: {
      200: {
        description: 'The invitation',
        content: { 'application/json': { schema: invitationDtoSchema } },
      },
      ...errorResponses(404),
    },
  });
}
