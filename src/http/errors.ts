import type { ErrorRequestHandler, Request } from 'express';
import type { Logger } from '../logger';
import { redactUrl } from '../logger';
import { AppError, ServiceUnavailableError } from '../errors';
import { isConnectionError } from '../platform/connection-errors';
import { MalformedPathError } from './malformed-path';

/** What a 503 (a backing service away) tells clients to wait before retrying, on every surface. */
export const UNAVAILABLE_RETRY_AFTER = '30';

export function errorBody(err: AppError) {
  return {
    error: {
      code: err.code,
      message: err.message,
      ...(err.details?.length ? { details: err.details } : {}),
    },
  };
}

interface BodyParserError {
  type?: string;
  status?: number;
  limit?: number;
}

/** body-parser failures become client errors that say what went wrong. */
function fromBodyParser(err: BodyParserError): AppError | undefined {
  switch (err.type) {
    case 'entity.parse.failed':
      return new AppError(400, 'invalid_json', 'The request body is not valid JSON.', [
        { field: 'body', issue: 'Malformed JSON', location: 'body' },
      ]);
    case 'entity.too.large':
      return new AppError(
        413,
        'payload_too_large',
        `The request body exceeds ${err.limit} bytes.`,
        [{ field: 'body', issue: 'Too large', location: 'body' }],
      );
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError(415, 'unsupported_encoding', 'The body encoding is not supported.');
    case 'request.aborted':
      return new AppError(400, 'request_aborted', 'The request was aborted.');
    case undefined:
    default:
      return fromClientStatus(err);
  }
}

/**
 * The one rule for errors we did not make: any error that carries a 4xx status (http-errors
 * from Express's parsers and router) is the client's, and keeps that status with our body.
 * Its message is kept only when the library marked it safe to show (`expose`).
 */
function fromClientStatus(
  err: BodyParserError & { expose?: boolean; message?: string; statusCode?: number },
) {
  const status = err.status ?? err.statusCode;
  if (typeof status !== 'number' || status < 400 || status > 499) {
    return undefined;
  }
  const message = err.expose && err.message ? err.message : 'The request could not be processed.';
  return new AppError(status, 'bad_request', message);
}

/** Postgres errors a client can cause (bad text encoding, out-of-range numbers) are 400s. */
function fromPostgres(err: { code?: unknown }): AppError | undefined {
  if (typeof err.code !== 'string' || !/^[0-9A-Z]{5}$/.test(err.code)) {
    return undefined;
  }
  if (err.code === '22021' || err.code === '22P05') {
    return new AppError(
      400,
      'invalid_text',
      'The request contains characters that cannot be stored.',
    );
  }
  if (err.code === '22003') {
    return new AppError(400, 'out_of_range', 'A number in the request is out of range.');
  }
  return undefined;
}

/**
 * A backing service that is away (Postgres refused, reset or timed out) is a 503 the client
 * should retry, on every surface: /api, /v1 and the public pages alike.
 */
function fromConnection(err: unknown): AppError | undefined {
  return isConnectionError(err) ? new ServiceUnavailableError() : undefined;
}

export function toAppError(err: unknown): AppError | undefined {
  if (err instanceof AppError) {
    return err;
  }
  if (err instanceof URIError) {
    // Express's router failing to decode a parameter; rejectMalformedPaths usually answers first.
    return new MalformedPathError();
  }
  if (typeof err === 'object' && err !== null) {
    return fromBodyParser(err) ?? fromPostgres(err) ?? fromConnection(err);
  }
  return undefined;
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req: Request, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const known = toAppError(err);
    if (known) {
      if (known.status === 503) {
        res.set('Retry-After', UNAVAILABLE_RETRY_AFTER);
      }
      res.status(known.status).json(errorBody(known));
      return;
    }
    logger.error({ err, method: req.method, url: redactUrl(req.originalUrl) }, 'request failed');
    res
      .status(500)
      .json({ error: { code: 'internal', message: 'Something went wrong on our side.' } });
  };
}
