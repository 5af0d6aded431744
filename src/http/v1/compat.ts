import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import type { AppContext } from '../../context';
import { AppError, ForbiddenError, UnauthorizedError } from '../../errors';
import type { Logger } from '../../logger';
import { redactUrl } from '../../logger';
import { authenticateApiKey } from '../../workspaces/api-key.service';
import { toAppError, UNAVAILABLE_RETRY_AFTER } from '../errors';

// What Delighted's four official clients send and expect (docs/delighted-api.md).

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  406: 'Not Acceptable',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** `/v1/people.json` is `/v1/people`; remembers that the suffix asked for JSON. */
export function stripJsonSuffix(req: Request, _res: Response, next: NextFunction) {
  const [path = '', query] = splitOnce(req.url, '?');
  if (path.endsWith('.json')) {
    req.url = path.slice(0, -5) + (query !== undefined ? `?${query}` : '');
    res406Exempt.add(req);
  }
  next();
}

const res406Exempt = new WeakSet<Request>();

function splitOnce(s: string, sep: string): [string, string | undefined] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, undefined] : [s.slice(0, i), s.slice(i + 1)];
}

/** 406 unless the client accepts JSON or used the `.json` suffix (Delighted's rule). */
export function requireAcceptJson(req: Request, _res: Response, next: NextFunction) {
  if (!res406Exempt.has(req) && req.get('accept') && !req.accepts('application/json')) {
    throw new AppError(
      406,
      'not_acceptable',
      'Send Accept: application/json or use the .json suffix.',
    );
  }
  next();
}

/** HTTP Basic with the API key as user name, with or without the trailing colon. */
export function basicAuth(ctx: AppContext): RequestHandler {
  return async (req, _res, next) => {
    const header = req.get('authorization') ?? '';
    const basic = /^Basic ([A-Za-z0-9+/=]{1,400})$/i.exec(header);
    const bearer = /^Bearer ([A-Za-z0-9_-]{16,200})$/.exec(header);
    let key = bearer?.[1];
    if (basic?.[1]) {
      const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
      key = splitOnce(decoded, ':')[0];
    }
    if (!key || !/^[A-Za-z0-9_-]{16,200}$/.test(key)) {
      throw new UnauthorizedError('Use HTTP Basic with your Glas API key as the user name.');
    }
    const auth = await authenticateApiKey(ctx.db, key, ctx.clock.now(), ctx.apiKeys);
    if (!auth) {
      throw new UnauthorizedError('The API key is invalid or revoked.');
    }
    if (auth.role !== 'admin' && auth.role !== 'manager') {
      throw new ForbiddenError('The /v1 API needs an admin or manager API key.');
    }
    req.auth = auth;
    next();
  };
}

/** Parses with zod; failures are Delighted's 422 naming each field. */
export function parseV1<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const errors: Record<string, string[]> = {};
    for (const issue of result.error.issues) {
      const field = issue.path.map(String).join('.') || 'base';
      (errors[field] ??= []).push(issue.message);
    }
    throw new V1ValidationError(errors);
  }
  return result.data;
}

export class V1ValidationError extends AppError {
  override name = 'V1ValidationError';
  constructor(readonly errors: Record<string, string[]>) {
    super(422, 'unprocessable', 'Unprocessable Entity');
  }
}

/** `expand=person`, `expand[]=person`, `expand[0]=person` and repeats: one list. */
export function listParam(query: Record<string, unknown>, name: string): string[] | undefined {
  const values: string[] = [];
  let seen = false;
  for (const [key, value] of Object.entries(query)) {
    if (key === name || key === `${name}[]` || new RegExp(`^${name}\\[\\d+\\]$`).test(key)) {
      seen = true;
      for (const v of Array.isArray(value) ? value : [value]) {
        if (typeof v === 'string') {
          values.push(...v.split(',').filter(Boolean));
        }
      }
    }
  }
  return seen ? values : undefined;
}

/** The query with list parameters gathered under their plain names. */
export function normalizeQuery(query: Record<string, unknown>, lists: string[]) {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(query)) {
    if (lists.some((l) => key === l || key.startsWith(`${l}[`))) {
      continue;
    }
    // A repeated scalar keeps its last value, as Delighted's Rails server would.
    out[key] = Array.isArray(value) ? value.at(-1) : value;
  }
  for (const l of lists) {
    const values = listParam(query, l);
    if (values !== undefined) {
      out[l] = values;
    }
  }
  return out;
}

/** Person identifier from a path segment (`42`, `email:…`, `phone_number:…`) or fields. */
export function identifierFrom(
  source: Record<string, unknown>,
  prefix = '',
): { id: string } | { email: string } | { phone_number: string } | undefined {
  const get = (k: string) => {
    const v = source[`${prefix}${k}`];
    return typeof v === 'string' && v.length > 0 && v.length <= 320 ? v : undefined;
  };
  const email = get('email');
  if (email) {
    return { email };
  }
  const phone = get('phone_number');
  if (phone) {
    return { phone_number: phone };
  }
  const id = get('id');
  return id ? { id } : undefined;
}

export function parseIdentSegment(raw: string) {
  if (raw.startsWith('email:')) {
    return { email: raw.slice(6) };
  }
  if (raw.startsWith('phone_number:')) {
    return { phone_number: raw.slice(13) };
  }
  return { id: raw };
}

/** Errors in Delighted's shape: `{status, message}`, and `errors` per field on a 422. */
export function v1ErrorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const known = toAppError(err);
    if (!known) {
      logger.error(
        { err, method: req.method, url: redactUrl(req.originalUrl) },
        'v1 request failed',
      );
      res.status(500).json({ status: 500, message: STATUS_TEXT[500] });
      return;
    }
    let status = known.status;
    let errors: Record<string, string[]> | undefined;
    if (known instanceof V1ValidationError) {
      errors = known.errors;
    } else if (status === 400 && known.details?.length) {
      // Glas's 400 with field details is Delighted's 422.
      status = known.code === 'invalid_json' || known.code === 'invalid_path' ? 400 : 422;
      errors = {};
      for (const d of known.details) {
        (errors[d.field] ??= []).push(d.issue);
      }
    } else if (status === 422 && known.details?.length) {
      errors = {};
      for (const d of known.details) {
        (errors[d.field] ??= []).push(d.issue);
      }
    }
    if (status === 429) {
      res.set('Retry-After', res.get('Retry-After') ?? '60');
    } else if (status === 503) {
      res.set('Retry-After', UNAVAILABLE_RETRY_AFTER);
    }
    res.status(status).json({
      status,
      message: status === 422 ? STATUS_TEXT[422] : known.message || STATUS_TEXT[status],
      ...(errors ? { errors } : {}),
    });
  };
}
