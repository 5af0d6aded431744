import { readFileSync } from 'node:fs';
import path from 'node:path';
import express, { Router } from 'express';
import type { NextFunction, Request, Response } from 'express';
import type { AppContext } from '../../context';
import type { SessionPolicy } from '../../workspaces/session.service';
import { AppError } from '../../errors';
import { toAppError } from '../errors';
import { adminPages } from './admin.pages';
import { alertPages } from './alert.pages';
import { metricAlertPages } from './metric-alert.pages';
import { authPages } from './auth.pages';
import { DASHBOARD_JS } from './client-script';
import {
  BASE,
  checkCsrfToken,
  cookieNames,
  DashRouter,
  loadSession,
  rejectCrossSite,
  SignInRequired,
} from './kit';
import type { RouteDecl } from './kit';
import { actionPages } from './action.pages';
import { deliveryPages } from './delivery.pages';
import { followupPages } from './followup.pages';
import { insightPages } from './insight.pages';
import { overviewPages } from './overview.pages';
import { reportPages } from './report.pages';
import { setupPages } from './setup.pages';
import { responsePages } from './response.pages';
import { surveyPages } from './survey.pages';
import { renderPage } from './view';

const asset = (name: string) => readFileSync(path.join(__dirname, 'templates', name), 'utf8');

// NOTE: the app-wide CSP blocks scripts; the dashboard adds its own script file and
// same-origin preview frames, nothing inline.
const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "frame-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

export interface Dashboard {
  router: Router;
  routes: RouteDecl[];
}

export function createDashboard(ctx: AppContext): Dashboard {
  const router = Router();
  const names = cookieNames(ctx.config.PUBLIC_URL);
  const policy: SessionPolicy = {
    idleMinutes: ctx.config.SESSION_IDLE_MINUTES,
    absoluteHours: ctx.config.SESSION_ABSOLUTE_HOURS,
  };
  const css = asset('dashboard.css');

  router.use((_req, res, next) => {
    res.set('Content-Security-Policy', DASHBOARD_CSP);
    res.set('Cache-Control', 'no-store');
    // Same-origin referrers let the browser send a real Origin on form posts (CSRF check).
    res.set('Referrer-Policy', 'same-origin');
    next();
  });
  router.get('/assets/dashboard.css', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=3600').type('text/css').send(css);
  });
  router.get('/assets/dashboard.js', (_req, res) => {
    res
      .set('Cache-Control', 'public, max-age=3600')
      .type('application/javascript')
      .send(DASHBOARD_JS);
  });
  router.use(rejectCrossSite(ctx.config.PUBLIC_URL));
  router.use(
    express.urlencoded({
      extended: false,
      limit: ctx.config.BODY_LIMIT_BYTES,
      parameterLimit: 2000,
    }),
  );
  router.use(loadSession(ctx, names, policy));
  router.use(checkCsrfToken);

  const r = new DashRouter(router);
  authPages(ctx, r, router, names, policy);
  setupPages(ctx, r, names, policy);
  overviewPages(ctx, r);
  surveyPages(ctx, r);
  responsePages(ctx, r);
  insightPages(ctx, r);
  followupPages(ctx, r);
  deliveryPages(ctx, r);
  actionPages(ctx, r);
  reportPages(ctx, r);
  adminPages(ctx, r);
  alertPages(ctx, r);
  metricAlertPages(ctx, r);

  router.use(() => {
    throw new AppError(404, 'not_found', 'There is no such page.');
  });
  router.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    if (err instanceof SignInRequired) {
      if (req.method === 'GET') {
        res.redirect(303, `${BASE}/sign-in?next=${encodeURIComponent(req.originalUrl)}`);
      } else {
        res.status(401);
        renderPage(res, 'error', { title: 'Please sign in', message: err.message }, 401);
      }
      return;
    }
    const appError = toAppError(err);
    if (!appError) {
      ctx.logger.error({ err, method: req.method, path: req.path }, 'dashboard request failed');
      renderPage(
        res,
        'error',
        { title: 'Something went wrong', message: 'Please try again.', session: req.dashboard },
        500,
      );
      return;
    }
    const titles: Record<number, string> = {
      400: 'That did not work',
      403: 'Not allowed',
      404: 'Not found',
      409: 'That cannot happen now',
      413: 'Too much data',
    };
    renderPage(
      res,
      'error',
      {
        title: titles[appError.status] ?? 'Something is wrong',
        message: appError.message,
        session: req.dashboard,
      },
      appError.status,
    );
  });
  return { router, routes: r.routes };
}

export function dashboardRoutes(ctx: AppContext): Router {
  return createDashboard(ctx).router;
}
