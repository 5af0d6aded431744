import type { Request, Response } from 'express';
import type { AppContext } from '../../context';
import { AppError } from '../../errors';
import {
  createNoteBodySchema,
  idParamsSchema,
  listCasesQuerySchema,
  patchCaseBodySchema,
} from '../../followups/followup.schemas';
import { addNote, changeCase, getCase, listCases } from '../../followups/followup.service';
import { listUsers } from '../../workspaces/user.service';
import { parse } from '../validate';
import type { DashRouter } from './kit';
import { BASE, fieldErrors, formOf, parseForm, redirectDone, sessionOf } from './kit';
import { renderPage } from './view';

/** The closed-loop queue: my cases, overdue, by owner (team), with the collector's case service. */
export function followupPages(ctx: AppContext, r: DashRouter) {
  r.get('/followups', 'followups', async (req, res) => {
    const session = sessionOf(req);
    const view = typeof req.query.view === 'string' ? req.query.view : 'open';
    const owner =
      typeof req.query.owner === 'string' && req.query.owner.trim()
        ? req.query.owner.trim()
        : undefined;
    const query = {
      ...(view === 'mine' ? { owner: session.email } : owner ? { owner } : {}),
      ...(view === 'overdue' ? { overdue: 'true' } : {}),
      ...(view === 'resolved'
        ? { status: 'resolved' }
        : view === 'open' || view === 'mine'
          ? { status: 'open' }
          : {}),
      limit: '100',
    };
    const parsed = parseForm(listCasesQuerySchema, query);
    const page = parsed.ok
      ? await listCases(ctx.db, ctx.clock, session.workspaceId, parsed.value)
      : { data: [] };
    renderPage(res, 'followups', {
      title: 'Follow-ups',
      area: 'followups',
      session,
      view,
      owner: owner ?? '',
      cases: page.data,
      errors: parsed.ok ? {} : parsed.errors,
    });
  });

  const showCase = async (req: Request, res: Response, errors = {}, status = 200) => {
    const session = sessionOf(req);
    const { id } = parse(idParamsSchema, req.params, 'params');
    const item = await getCase(ctx.db, ctx.clock, session.workspaceId, id);
    const users = await listUsers(ctx.db, session.workspaceId);
    const authors = new Map(users.map((u) => [u.id, u.email]));
    renderPage(
      res,
      'followup',
      {
        title: 'Follow-up case',
        area: 'followups',
        session,
        item,
        notes: (item.notes ?? []).map((n) => ({
          ...n,
          author: (n.authorKeyId && authors.get(n.authorKeyId)) ?? 'API',
        })),
        errors,
      },
      status,
    );
  };

  r.get('/followups/:id', 'followups', async (req, res) => {
    await showCase(req, res);
  });

  r.post('/followups/:id', 'followups', async (req, res) => {
    const session = sessionOf(req);
    const { id } = parse(idParamsSchema, req.params, 'params');
    const form = formOf(req);
    const parsed = parseForm(patchCaseBodySchema, {
      ...(form.status ? { status: form.status } : {}),
      ...(form.ownerEmail !== undefined ? { ownerEmail: form.ownerEmail.trim() || null } : {}),
    });
    if (!parsed.ok) {
      await showCase(req, res, parsed.errors, 400);
      return;
    }
    try {
      await changeCase(ctx.db, ctx.clock, session.workspaceId, id, parsed.value);
    } catch (err) {
      if (err instanceof AppError && err.status === 409) {
        await showCase(req, res, fieldErrors(err.details), 409);
        return;
      }
      throw err;
    }
    redirectDone(res, `${BASE}/followups/${id}`, 'case_saved');
  });

  r.post('/followups/:id/notes', 'followups', async (req, res) => {
    const session = sessionOf(req);
    const { id } = parse(idParamsSchema, req.params, 'params');
    const parsed = parseForm(createNoteBodySchema, { body: formOf(req).body ?? '' });
    if (!parsed.ok) {
      await showCase(req, res, parsed.errors, 400);
      return;
    }
    await addNote(ctx.db, ctx.clock, session.workspaceId, id, parsed.value.body, session.userId);
    redirectDone(res, `${BASE}/followups/${id}`, 'note_added');
  });
}
