import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import type { AppContext } from '../../context';
import {
  caseDtoSchema,
  casePageSchema,
  createNoteBodySchema,
  createRuleBodySchema,
  idParamsSchema,
  listCasesQuerySchema,
  noteDtoSchema,
  patchCaseBodySchema,
  recoveryDtoSchema,
  recoveryQuerySchema,
  ruleDtoSchema,
} from '../../followups/followup.schemas';
import {
  addNote,
  changeCase,
  createRule,
  getCase,
  getRecovery,
  listCases,
  listRules,
  removeRule,
} from '../../followups/followup.service';
import { READERS, WRITERS, allow, authOf } from '../auth';
import { errorResponses } from '../openapi-common';
import { parse } from '../validate';

export function followupRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/rules', allow(...READERS), async (req, res) => {
    res.json({ data: await listRules(ctx.db, authOf(req).workspaceId) });
  });
  router.post('/rules', allow(...WRITERS), async (req, res) => {
    const body = parse(createRuleBodySchema, req.body, 'body');
    res.status(201).json(await createRule(ctx.db, ctx.clock, authOf(req).workspaceId, body));
  });
  router.delete('/rules/:id', allow(...WRITERS), async (req, res) => {
    const { id } = parse(idParamsSchema, req.params, 'params');
    await removeRule(ctx.db, authOf(req).workspaceId, id);
    res.status(204).end();
  });
  router.get('/recovery', allow(...READERS), async (req, res) => {
    const query = parse(recoveryQuerySchema, req.query, 'query');
    res.json(await getRecovery(ctx.db, authOf(req).workspaceId, query));
  });
  router.get('/', allow(...READERS), async (req, res) => {
    const query = parse(listCasesQuerySchema, req.query, 'query');
    res.json(await listCases(ctx.db, ctx.clock, authOf(req).workspaceId, query));
  });
  router.get('/:id', allow(...READERS), async (req, res) => {
    const { id } = parse(idParamsSchema, req.params, 'params');
    res.json(await getCase(ctx.db, ctx.clock, authOf(req).workspaceId, id));
  });
  router.patch('/:id', allow(...WRITERS), async (req, res) => {
    const { id } = parse(idParamsSchema, req.params, 'params');
    const body = parse(patchCaseBodySchema, req.body, 'body');
    res.json(await changeCase(ctx.db, ctx.clock, authOf(req).workspaceId, id, body));
  });
  router.post('/:id/notes', allow(...WRITERS), async (req, res) => {
    const { id } = parse(idParamsSchema, req.params, 'params');
    const { body } = parse(createNoteBodySchema, req.body, 'body');
    const auth = authOf(req);
    res.status(201).json(await addNote(ctx.db, ctx.clock, auth.workspaceId, id, body, auth.keyId));
  });
  return router;
}

export function registerFollowupPaths(registry: OpenAPIRegistry): void {
  const json = <T>(schema: T) => ({ 'application/json': { schema } });
  const id = { params: idParamsSchema };
  registry.registerPath({
    method: 'get',
    path: '/api/followups/rules',
    summary: 'Owner rules for new follow-up cases (first match by position; no property = default)',
    responses: {
      200: {
        description: 'Rules',
        content: json(ruleDtoSchema.array().transform((data) => ({ data }))),
      },
      ...errorResponses(),
    },
  });
  registry.registerPath({
    method: 'post',
    path: '/api/followups/rules',
    summary: 'Add an owner rule',
    request: { body: { content: json(createRuleBodySchema) } },
    responses: {
      201: { description: 'Created', content: json(ruleDtoSchema) },
      ...errorResponses(),
    },
  });
  registry.registerPath({
    method: 'delete',
    path: '/api/followups/rules/{id}',
    summary: 'Delete an owner rule',
    request: id,
    responses: { 204: { description: 'Deleted' }, ...errorResponses(404) },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/followups/recovery',
    summary: 'Recovery figures per period: contacted within SLA, median time to contact, re-survey',
    request: { query: recoveryQuerySchema },
    responses: {
      200: { description: 'Figures', content: json(recoveryDtoSchema) },
      ...errorResponses(),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/followups',
    summary: 'List follow-up cases, newest first',
    request: { query: listCasesQuerySchema },
    responses: {
      200: { description: 'One page', content: json(casePageSchema) },
      ...errorResponses(),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/followups/{id}',
    summary: 'Get a follow-up case with its notes',
    request: id,
    responses: {
      200: { description: 'The case', content: json(caseDtoSchema) },
      ...errorResponses(404),
    },
  });
  registry.registerPath({
    method: 'patch',
    path: '/api/followups/{id}',
    summary: 'Move a case forward (open → contacted → resolved) or reassign it',
    request: { ...id, body: { content: json(patchCaseBodySchema) } },
    responses: {
      200: { description: 'The case', content: json(caseDtoSchema) },
      ...errorResponses(404, 409),
    },
  });
  registry.registerPath({
    method: 'post',
    path: '/api/followups/{id}/notes',
    summary: 'Add a note to a case',
    request: { ...id, body: { content: json(createNoteBodySchema) } },
    responses: {
      201: { description: 'Created', content: json(noteDtoSchema) },
      ...errorResponses(404),
    },
  });
}
