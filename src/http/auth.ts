import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { AppContext } from '../context';
import type { ApiKeyRole } from '../../db/schema';
import { authenticateApiKey } from '../workspaces/api-key.service';
import { ForbiddenError, UnauthorizedError } from '../errors';

export interface AuthInfo {
  workspaceId: string;
  role: ApiKeyRole;
  keyId: string;
}

declare module 'express-serve-static-core' {
  interface Request {
    auth?: AuthInfo;
  }
}

const BEARER = /^Bearer ([A-Za-z0-9_-]{16,200})$/;

/** Authenticates `Authorization: Bearer <key>` and sets req.auth; 401 otherwise. */
export function requireApiKey(ctx: AppContext): RequestHandler {
  return async (req: Request, _res: Response, next: NextFunction) => {
    const match = BEARER.exec(req.get('authorization') ?? '');
    if (!match?.[1]) {
      throw new UnauthorizedError();
    }
    const auth = await authenticateApiKey(ctx.db, match[1], ctx.clock.now(), ctx.apiKeys);
    if (!auth) {
      throw new UnauthorizedError('The API key is invalid or revoked.');
    }
    req.auth = auth;
    next();
  };
}

/** Lets the request through only for the listed roles; 403 otherwise. */
export function allow(...roles: ApiKeyRole[]): RequestHandler {
  return (req, _res, next) => {
    if (!req.auth || !roles.includes(req.auth.role)) {
      throw new ForbiddenError(`This action needs one of the roles: ${roles.join(', ')}.`);
    }
    next();
  };
}

export function authOf(req: Request): AuthInfo {
  if (!req.auth) {
    throw new UnauthorizedError();
  }
  return req.auth;
}

export const READERS: ApiKeyRole[] = ['admin', 'manager', 'executive'];
export const WRITERS: ApiKeyRole[] = ['admin', 'manager'];
