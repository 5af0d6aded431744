import type { RequestHandler } from 'express';
import { AppError } from '../errors';
import { messagesFor, preferredLocale } from '../surveys/i18n';
import { renderTemplate } from '../surveys/render';

/** Paths whose people read HTML (survey links, report links, the dashboard), never JSON. */
const HTML_PATHS = /^\/(s|u|reports|dashboard)(\/|$)/;

export class MalformedPathError extends AppError {
  constructor() {
    super(400, 'invalid_path', 'The URL contains malformed percent-encoding.', [
      { field: 'path', issue: 'Malformed percent-encoding', location: 'params' },
    ]);
  }
}

function decodes(path: string): boolean {
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * A path with broken percent-encoding (`/s/%ff`, a lone surrogate `%ED%A0%80`) can name no
 * resource. Express only notices while matching a route parameter and reports it as an error
 * our handlers would not expect, so it is answered here, before any route: a 400 page on the
 * HTML paths (a mangled survey link in an email is the usual cause) and a JSON 400 elsewhere,
 * in Delighted's shape on `/v1`.
 */
export function rejectMalformedPaths(): RequestHandler {
  return (req, res, next) => {
    if (decodes(req.path)) {
      next();
      return;
    }
    if (HTML_PATHS.test(req.path)) {
      const locale = preferredLocale(req.acceptsLanguages(), 'en');
      const m = messagesFor(locale);
      res
        .status(400)
        .type('html')
        .send(
          renderTemplate('./message-page', {
            lang: locale,
            title: m.notFoundTitle,
            body: m.notFoundBody,
          }),
        );
      return;
    }
    const err = new MalformedPathError();
    if (/^\/v1(\/|$)/.test(req.path)) {
      // Delighted's shape, as every /v1 error (http/v1/compat.ts).
      res.status(400).json({ status: 400, message: err.message });
      return;
    }
    next(err);
  };
}
