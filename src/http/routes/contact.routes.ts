import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../context';
import {
  contactDtoSchema,
  contactIdParamsSchema,
  deleteContactQuerySchema,
  listContactsQuerySchema,
  updateContactBodySchema,
  upsertContactBodySchema,
} from '../../contacts/contact.schemas';
import {
  changeContact,
  eraseContact,
  findContacts,
  getContact,
  saveContact,
  toContactDto,
} from '../../contacts/contact.service';
import { READERS, WRITERS, allow, authOf } from '../auth';
import { errorResponses } from '../openapi-common';
import { parse } from '../validate';

const contactListSchema = z.object({
  data: z.array(contactDtoSchema),
  nextCursor: z.uuid().nullable(),
});

export function contactRoutes(ctx: AppContext): Router {
  const router = Router();
  router.post('/', allow(...WRITERS), async (req, res) => {
    const body = parse(upsertContactBodySchema, req.body, 'body');
    const { contact, created } = await saveContact(
      ctx.db,
      ctx.clock,
      authOf(req).workspaceId,
      body,
      ctx.hashEmail,
    );
    res.status(created ? 201 : 200).json(contact);
  });
  router.get('/', allow(...READERS), async (req, res) => {
    const query = parse(listContactsQuerySchema, req.query, 'query');
    const page = await findContacts(ctx.db, authOf(req).workspaceId, query);
    res.json({ data: page.data.map(toContactDto), nextCursor: page.nextCursor });
  });
  router.get('/:id', allow(...READERS), async (req, res) => {
    const { id } = parse(contactIdParamsSchema, req.params, 'params');
    res.json(await getContact(ctx.db, authOf(req).workspaceId, id));
  });
  router.patch('/:id', allow(...WRITERS), async (req, res) => {
    const { id } = parse(contactIdParamsSchema, req.params, 'params');
    const body = parse(updateContactBodySchema, req.body, 'body');
    res.json(await changeContact(ctx.db, ctx.clock, authOf(req).workspaceId, id, body));
  });
  router.delete('/:id', allow(...WRITERS), async (req, res) => {
    const { id } = parse(contactIdParamsSchema, req.params, 'params');
    parse(deleteContactQuerySchema, req.query, 'query');
    await eraseContact(ctx.db, ctx.clock, authOf(req).workspaceId, id, ctx.hashEmail);
    res.status(204).end();
  });
  return router;
}

export function registerContactPaths(registry: OpenAPIRegistry): void {
  const idParams = { params: contactIdParamsSchema };
  const one = (description: string) => ({
    description,
    content: { 'application/json': { schema: contactDtoSchema } },
  });
  registry.registerPath({
    method: 'post',
    path: '/api/contacts',
    summary: 'Create or update a contact: by external id when known, else by email',
    description:
      'Given fields replace the stored ones; properties are merged. 201 when the contact is new, 200 when it existed.',
    request: { body: { content: { 'application/json': { schema: upsertContactBodySchema } } } },
    responses: { 200: one('Updated'), 201: one('Created'), ...errorResponses(409, 413) },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/contacts',
    summary: 'List contacts, newest first; filter by email or external id',
    request: { query: listContactsQuerySchema },
    responses: {
      200: {
        description: 'One page of contacts',
        content: { 'application/json': { schema: contactListSchema } },
      },
      ...errorResponses(),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/contacts/{id}',
    summary: 'Get a contact',
    request: idParams,
    responses: { 200: one('The contact'), ...errorResponses(404) },
  });
  registry.registerPath({
    method: 'patch',
    path: '/api/contacts/{id}',
    summary: 'Change a contact; a property set to null is removed',
    request: {
      ...idParams,
      body: { content: { 'application/json': { schema: updateContactBodySchema } } },
    },
    responses: { 200: one('The changed contact'), ...errorResponses(404, 409, 413) },
  });
  registry.registerPath({
    method: 'delete',
    path: '/api/contacts/{id}',
    summary: 'Erase a contact (scores stay, anonymous); an unsubscribe or bounce is kept as a hash',
    request: { ...idParams, query: deleteContactQuerySchema },
    responses: { 204: { description: 'Erased' }, ...errorResponses(404) },
  });
}
