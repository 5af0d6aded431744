import type { Request, Response } from 'express';
import type { AppContext } from '../../context';
import { AppError } from '../../errors';
import { startSession } from '../../workspaces/session.service';
import type { SessionPolicy } from '../../workspaces/session.service';
import { setupBodySchema } from '../../workspaces/setup.schemas';
import { alreadySetUp, completeSetup, needsSetup } from '../../workspaces/setup.service';
import type { CookieNames, DashRouter } from './kit';
import { BASE, fieldErrors, formOf, parseForm, setCookie } from './kit';
import { renderPage } from './view';

const wantsJson = (req: Request) => req.accepts(['html', 'json']) === 'json';

function refuse(req: Request, res: Response, err: AppError, form: Record<string, string>) {
  if (wantsJson(req)) {
    res.status(err.status).json({
      error: {
        code: err.code,
        message: err.message,
        ...(err.details ? { details: err.details } : {}),
      },
    });
    return;
  }
  if (err.code === 'already_set_up') {
    renderPage(res, 'error', { title: 'Glas is set up already', message: err.message }, err.status);
    return;
  }
  renderPage(
    res,
    'setup',
    {
      title: 'Set up Glas',
      workspaceName: form.workspaceName ?? '',
      email: form.email ?? '',
      errors: err.details ? fieldErrors(err.details) : undefined,
      formError: err.details ? undefined : err.message,
    },
    err.status,
  );
}

/**
 * The first-run setup: while no workspace exists, the dashboard offers to create the first
 * workspace and admin with the one-time token from the start-up log (workspaces/setup.service).
 */
export function setupPages(
  ctx: AppContext,
  r: DashRouter,
  names: CookieNames,
  policy: SessionPolicy,
) {
  r.get('/setup', 'public', async (req, res) => {
    if (!(await needsSetup(ctx.db))) {
      refuse(req, res, alreadySetUp(), {});
      return;
    }
    renderPage(res, 'setup', { title: 'Set up Glas', workspaceName: '', email: '' });
  });

  // NOTE: no login-CSRF token here: a forged post would need the setup token, which only the
  // log holds, and cross-site posts are refused for the whole dashboard anyway.
  r.post('/setup', 'public', async (req, res) => {
    const form = formOf(req);
    const parsed = parseForm(setupBodySchema, {
      token: form.token ?? '',
      workspaceName: form.workspaceName ?? '',
      email: form.email ?? '',
      password: form.password ?? '',
    });
    if (!parsed.ok) {
      const details = Object.entries(parsed.errors).map(([field, issue]) => ({ field, issue }));
      refuse(
        req,
        res,
        new AppError(400, 'validation_failed', 'The setup form is incomplete.', details),
        form,
      );
      return;
    }
    let created;
    try {
      created = await completeSetup(ctx.db, ctx.clock, parsed.value);
    } catch (err) {
      if (err instanceof AppError) {
        refuse(req, res, err, form);
        return;
      }
      throw err;
    }
    ctx.logger.info({ workspaceId: created.workspace.id }, 'first-run setup done');
    const { token } = await startSession(ctx.db, ctx.clock, policy, created.user);
    setCookie(res, names, names.session, token);
    if (wantsJson(req)) {
      res.status(201).json({
        workspace: { id: created.workspace.id, name: created.workspace.name },
        admin: { id: created.user.id, email: created.user.email, role: created.user.role },
      });
      return;
    }
    res.redirect(303, BASE);
  });
}
