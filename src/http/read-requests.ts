import { Router } from 'express';
import type { Request, RequestHandler } from 'express';

const isRead = (req: Request) => req.method === 'GET' || req.method === 'HEAD';

/**
 * Runs body parsers and checks only on writes: a GET's or HEAD's body means nothing (Delighted's
 * Python client sends `{}` on GET, with or without a JSON Content-Type), so it is never read.
 */
export function onWritesOnly(...handlers: RequestHandler[]): RequestHandler {
  const writes = Router();
  writes.use(...handlers);
  return (req, res, next) => {
    if (isRead(req)) {
      next();
      return;
    }
    writes(req, res, next);
  };
}
