import type { Request, Response } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';
import { sharedRateLimit } from '../rate-limit';
import type { Router } from 'express';
import type { AppContext } from '../../context';
import { endSession, startSession } from '../../workspaces/session.service';
import type { SessionPolicy } from '../../workspaces/session.service';
import { changePasswordBodySchema, signInBodySchema } from '../../workspaces/user.schemas';
import { changePassword, verifyCredentials } from '../../workspaces/user.service';
import { needsSetup } from '../../workspaces/setup.service';
import { ValidationError } from '../../errors';
import { newToken } from '../../platform/tokens';
import type { CookieNames, DashRouter } from './kit';
import {
  BASE,
  clearCookie,
  CsrfError,
  fieldErrors,
  formOf,
  parseForm,
  readCookie,
  redirectDone,
  sessionOf,
  setCookie,
  tokensMatch,
} from './kit';
import { renderPage } from './view';

/** Only same-dashboard paths are followed after sign-in (no open redirect). */
function safeNext(value: unknown): string {
  return typeof value === 'string' && /^\/dashboard(\/[A-Za-z0-9/_?=&.%-]*)?$/.test(value)
    ? value
    : BASE;
}

function showSignIn(
  req: Request,
  res: Response,
  names: CookieNames,
  view: {
    status?: number;
    email?: string;
    next?: string;
    errors?: Record<string, string>;
    formError?: string;
  },
) {
  // NOTE: login CSRF: a pre-session token, double-submitted as cookie and hidden field.
  const token = readCookie(req, names.signin) ?? newToken();
  setCookie(res, names, names.signin, token, 3_600_000);
  renderPage(
    res,
    'sign-in',
    {
      title: 'Sign in',
      csrf: token,
      email: view.email ?? '',
      next: view.next ?? safeNext(req.query.next),
      errors: view.errors,
      formError: view.formError,
    },
    view.status,
  );
}

export function authPages(
  ctx: AppContext,
  r: DashRouter,
  router: Router,
  names: CookieNames,
  policy: SessionPolicy,
) {
  r.get('/sign-in', 'public', async (req, res) => {
    if (req.dashboard) {
      res.redirect(303, BASE);
      return;
    }
    // A fresh instance has nobody to sign in: offer the first-run setup instead.
    if (await needsSetup(ctx.db)) {
      res.redirect(303, `${BASE}/setup`);
      return;
    }
    showSignIn(req, res, names, {});
  });

  // Failed attempts only are counted, per IP and per email, so people who type well never wait.
  const limiter = (key: (req: Request) => string) =>
    sharedRateLimit(ctx, 'signin', {
      windowMs: 15 * 60_000,
      limit: ctx.config.SIGNIN_ATTEMPTS_PER_15_MIN,
      skipSuccessfulRequests: true,
      keyGenerator: key,
      handler: (req, res) => {
        res.set('Retry-After', '900');
        showSignIn(req, res, names, {
          status: 429,
          email: formOf(req).email,
          next: safeNext(formOf(req).next),
          formError: 'Too many failed sign-ins. Wait 15 minutes and try again.',
        });
      },
    });
  router.post(
    '/sign-in',
    limiter((req) => `ip:${ipKeyGenerator(req.ip ?? '')}`),
    limiter((req) => `email:${(formOf(req).email ?? '').trim().toLowerCase()}`),
  );
  r.post('/sign-in', 'public', async (req, res) => {
    const cookieToken = readCookie(req, names.signin);
    if (!cookieToken || !tokensMatch(cookieToken, (req.body as Record<string, unknown>)._csrf)) {
      throw new CsrfError('The sign-in form expired; reload the page and try again.');
    }
    const form = formOf(req);
    const next = safeNext(form.next);
    const parsed = parseForm(signInBodySchema, { email: form.email, password: form.password });
    if (!parsed.ok) {
      showSignIn(req, res, names, { status: 400, email: form.email, next, errors: parsed.errors });
      return;
    }
    const user = await verifyCredentials(
      ctx.db,
      ctx.clock,
      parsed.value.email,
      parsed.value.password,
    );
    if (!user) {
      // Counted by the limiter as a failure (status ≥ 400).
      showSignIn(req, res, names, {
        status: 401,
        email: form.email,
        next,
        formError: 'The email or password is wrong.',
      });
      return;
    }
    if (req.dashboard) {
      await endSession(ctx.db, req.dashboard.sessionId);
    }
    const { token } = await startSession(ctx.db, ctx.clock, policy, user);
    setCookie(res, names, names.session, token);
    clearCookie(res, names, names.signin);
    res.redirect(303, next);
  });

  r.post('/sign-out', 'account', async (req, res) => {
    await endSession(ctx.db, sessionOf(req).sessionId);
    clearCookie(res, names, names.session);
    res.redirect(303, `${BASE}/sign-in`);
  });

  r.get('/account', 'account', (req, res) => {
    renderPage(res, 'account', { title: 'Your account', area: 'account', session: sessionOf(req) });
  });

  r.post('/account/password', 'account', async (req, res) => {
    const session = sessionOf(req);
    const form = formOf(req);
    const parsed = parseForm(changePasswordBodySchema, {
      currentPassword: form.currentPassword ?? '',
      newPassword: form.newPassword ?? '',
      confirmPassword: form.confirmPassword ?? '',
    });
    const show = (errors: Record<string, string>) =>
      renderPage(res, 'account', { title: 'Your account', area: 'account', session, errors }, 400);
    if (!parsed.ok) {
      show(parsed.errors);
      return;
    }
    try {
      await changePassword(
        ctx.db,
        ctx.clock,
        session.workspaceId,
        session.userId,
        parsed.value,
        session.sessionId,
      );
    } catch (err) {
      if (err instanceof ValidationError) {
        show(fieldErrors(err.details));
        return;
      }
      throw err;
    }
    redirectDone(res, `${BASE}/account`, 'password_changed');
  });
}
