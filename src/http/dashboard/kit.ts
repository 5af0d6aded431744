import { timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response, Router } from 'express';
import type { z } from 'zod';
import type { AppContext } from '../../context';
import type { SessionInfo, SessionPolicy } from '../../workspaces/session.service';
import { resumeSession } from '../../workspaces/session.service';
import { AppError, ForbiddenError } from '../../errors';
import type { ErrorDetail } from '../../errors';
import { issuesToDetails } from '../validate';
import { AREAS, mayUse } from './access';
import type { Area } from './access';
import type { FieldErrors } from './view';

declare module 'express-serve-static-core' {
  interface Request {
    dashboard?: SessionInfo;
  }
}

export const BASE = '/dashboard';

export interface RouteDecl {
  method: 'get' | 'post';
  path: string;
  area: Area | 'public';
}

type Handler = (req: Request, res: Response) => Promise<void> | void;

/** Declares a route with its area, so access and the route table come from one place. */
export class DashRouter {
  readonly routes: RouteDecl[] = [];
  constructor(readonly router: Router) {}

  get(path: string, area: Area | 'public', handler: Handler): void {
    this.add('get', path, area, handler);
  }

  post(path: string, area: Area | 'public', handler: Handler): void {
    this.add('post', path, area, handler);
  }

  private add(method: 'get' | 'post', path: string, area: Area | 'public', handler: Handler) {
    this.routes.push({ method, path, area });
    const guard = area === 'public' ? [] : [requireArea(area)];
    this.router[method](path, ...guard, async (req: Request, res: Response) => {
      await handler(req, res);
    });
  }
}

export class SignInRequired extends AppError {
  override name = 'SignInRequired';
  constructor() {
    super(401, 'sign_in_required', 'Please sign in.');
  }
}

function requireArea(area: Area): RequestHandler {
  return (req, _res, next) => {
    const session = req.dashboard;
    if (!session) {
      throw new SignInRequired();
    }
    if (!mayUse(session.role, area)) {
      throw new ForbiddenError(
        `This page is for ${AREAS[area].join(' and ')} users; you are signed in as ${session.role}.`,
      );
    }
    next();
  };
}

export function sessionOf(req: Request): SessionInfo {
  if (!req.dashboard) {
    throw new SignInRequired();
  }
  return req.dashboard;
}

export interface CookieNames {
  session: string;
  signin: string;
  secure: boolean;
}

/** `__Host-` cookies need Secure, so the prefix is used only when the dashboard is served over https. */
export function cookieNames(publicUrl: string): CookieNames {
  const secure = publicUrl.startsWith('https:');
  return {
    session: secure ? '__Host-glas_session' : 'glas_session',
    signin: secure ? '__Host-glas_signin' : 'glas_signin',
    secure,
  };
}

export function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      return /^[A-Za-z0-9_-]{16,200}$/.test(value) ? value : undefined;
    }
  }
  return undefined;
}

export function setCookie(
  res: Response,
  names: CookieNames,
  name: string,
  value: string,
  maxAgeMs?: number,
): void {
  res.cookie(name, value, {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    secure: names.secure,
    ...(maxAgeMs !== undefined ? { maxAge: maxAgeMs } : {}),
  });
}

export function clearCookie(res: Response, names: CookieNames, name: string): void {
  res.clearCookie(name, { httpOnly: true, sameSite: 'lax', path: '/', secure: names.secure });
}

export function loadSession(ctx: AppContext, names: CookieNames, policy: SessionPolicy) {
  return async (req: Request, _res: Response, next: NextFunction) => {
    const token = readCookie(req, names.session);
    if (token) {
      req.dashboard = await resumeSession(ctx.db, ctx.clock, policy, token);
    }
    next();
  };
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

export class CsrfError extends AppError {
  override name = 'CsrfError';
  constructor(message: string) {
    super(403, 'csrf_rejected', message);
  }
}

/**
 * OWASP CSRF defence in depth for every unsafe method: Fetch Metadata first, then Origin
 * (or Referer) against PUBLIC_URL. The synchronizer token is checked by `checkCsrfToken`.
 */
export function rejectCrossSite(publicUrl: string): RequestHandler {
  const origin = new URL(publicUrl).origin;
  return (req, _res, next) => {
    if (SAFE.has(req.method)) {
      next();
      return;
    }
    const site = req.get('sec-fetch-site');
    if (site && site !== 'same-origin' && site !== 'none') {
      throw new CsrfError('Cross-site requests cannot change anything here.');
    }
    // NOTE: `Origin: null` (privacy-sensitive contexts) proves nothing either way; the token decides.
    const header = req.get('origin');
    const from = header && header !== 'null' ? header : refererOrigin(req.get('referer'));
    if (from && from !== origin) {
      throw new CsrfError('This request came from another site.');
    }
    next();
  };
}

function refererOrigin(referer: string | undefined): string | undefined {
  if (!referer) {
    return undefined;
  }
  try {
    return new URL(referer).origin;
  } catch {
    return 'invalid';
  }
}

export function tokensMatch(expected: string, given: unknown): boolean {
  if (typeof given !== 'string' || given.length !== expected.length) {
    return false;
  }
  return timingSafeEqual(Buffer.from(expected), Buffer.from(given));
}

/** Every unsafe request of a signed-in user must carry the session's synchronizer token. */
export function checkCsrfToken(req: Request, _res: Response, next: NextFunction): void {
  if (SAFE.has(req.method) || !req.dashboard) {
    next();
    return;
  }
  const body = req.body as Record<string, unknown> | undefined;
  if (!tokensMatch(req.dashboard.csrfToken, body?._csrf)) {
    throw new CsrfError('The form expired or was not sent from this dashboard; reload and retry.');
  }
  next();
}

/** A urlencoded form as plain strings (the last value wins) plus the repeated keys as arrays. */
export function formOf(req: Request): Record<string, string> {
  const out: Record<string, string> = {};
  const body = (req.body ?? {}) as Record<string, unknown>;
  for (const [key, value] of Object.entries(body)) {
    if (key === '_csrf' || key === '_action') {
      continue;
    }
    if (typeof value === 'string') {
      out[key] = value;
    } else if (Array.isArray(value)) {
      out[key] = String(value[value.length - 1] ?? '');
    }
  }
  return out;
}

export function formList(req: Request, key: string): string[] {
  const value = ((req.body ?? {}) as Record<string, unknown>)[key];
  if (Array.isArray(value)) {
    return value.filter((v): v is string => typeof v === 'string');
  }
  return typeof value === 'string' ? [value] : [];
}

/** Maps error details to form field names; `alias` renames API paths the form shows differently. */
export function fieldErrors(details: ErrorDetail[] = [], alias: Record<string, string> = {}) {
  const errors: FieldErrors = {};
  for (const d of details) {
    const field = alias[d.field] ?? d.field;
    errors[field] ??= humanIssue(d.issue);
  }
  return errors;
}

/** zod's default wording is for developers; the common ones get plain words. */
function humanIssue(issue: string): string {
  if (/expected string to have >=1 characters/.test(issue)) {
    return 'required';
  }
  if (/expected number, received NaN/.test(issue)) {
    return 'a number';
  }
  return issue;
}

export type FormResult<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

/** Parses with the JSON API's schema; issues come back keyed by form field name. */
export function parseForm<S extends z.ZodType>(
  schema: S,
  value: unknown,
  alias: Record<string, string> = {},
): FormResult<z.output<S>> {
  const result = schema.safeParse(value);
  if (result.success) {
    return { ok: true, value: result.data };
  }
  return { ok: false, errors: fieldErrors(issuesToDetails(result.error.issues, 'body'), alias) };
}

/** Optional integer from a form input: '' → undefined, junk → NaN (the schema names the field). */
export function intField(v: string | undefined): number | undefined {
  if (v === undefined || v.trim() === '') {
    return undefined;
  }
  return /^-?\d+$/.test(v.trim()) ? Number(v.trim()) : Number.NaN;
}

export function numField(v: string | undefined): number | undefined {
  if (v === undefined || v.trim() === '') {
    return undefined;
  }
  const n = Number(v.trim().replace(',', '.'));
  return Number.isFinite(n) ? n : Number.NaN;
}

export function textField(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === '' ? undefined : v;
}

export function redirectDone(res: Response, path: string, done: string): void {
  res.redirect(303, `${path}${path.includes('?') ? '&' : '?'}done=${done}`);
}
