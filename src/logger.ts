import pino from 'pino';
import type { Logger } from 'pino';

export type { Logger };

// NOTE: tokens live in URL paths (/s/:token, /u/:token); OWASP's logging guide says not to log them.
const TOKEN_PATH = /\/(s|u)\/[^/?#]+/g;

export function redactUrl(url: string | undefined): string | undefined {
  return url?.replace(TOKEN_PATH, '/$1/[redacted]');
}

const EMAIL = /[^\s@"'<>]+@[^\s@"'<>]+\.[^\s@"'<>]+/g;

/** Removes email addresses from free text (error messages from SMTP servers carry them). */
export function redactEmails(text: string): string {
  return text.replace(EMAIL, '[email]');
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'glas' },
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          'res.headers["set-cookie"]',
          'email',
          '*.email',
          'to',
          '*.to',
          'token',
          '*.token',
          'apiKey',
          '*.apiKey',
          'comment',
          '*.comment',
        ],
        censor: '[redacted]',
      },
      serializers: { err: pino.stdSerializers.err },
      hooks: {
        // Messages are free text (SMTP replies quote addresses): strip emails before they are written.
        logMethod(args, method) {
          const cleaned = args.map((a: unknown) => (typeof a === 'string' ? redactEmails(a) : a));
          method.apply(this, cleaned as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}
