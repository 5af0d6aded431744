import { timingSafeEqual, createHash } from 'node:crypto';
import { z } from 'zod';
import { AppError, ValidationError } from '../errors';

/** A solved ticket as a helpdesk reported it, reduced to what becomes a Glas event. */
export interface SolvedTicket {
  /** The helpdesk's own ticket (or conversation) id; it makes the event's idempotency key. */
  ticketId: string;
  email: string;
  name?: string;
  /** Only when the helpdesk sends a BCP 47 tag; a language name (`English`) is dropped. */
  locale?: string;
  /** ticketId, agent, team, channel: what per-agent and per-team segments group by. */
  properties: Record<string, string>;
}

/** A call that is well formed but not about a solved ticket (another event, another status). */
export type ParsedTicketCall = { ticket: SolvedTicket } | { ignored: string };

export class HelpdeskSignatureError extends AppError {
  override name = 'HelpdeskSignatureError';
  constructor(message: string) {
    super(401, 'invalid_signature', message);
  }
}

/** Parses a helpdesk body with `schema`; a 400 names every missing or wrong field. */
export function parseHelpdeskBody<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new ValidationError(
      result.error.issues.map((i) => ({
        field: i.path.map(String).join('.') || 'body',
        issue: i.message,
        location: 'body' as const,
      })),
      'The helpdesk payload is not of a known shape.',
    );
  }
  return result.data;
}

/** Compares two secrets in constant time whatever their lengths. */
export function sameSecret(given: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** A helpdesk id: a positive integer or a non-empty string, kept as text. */
export const helpdeskId = z
  .union([z.number().int().nonnegative(), z.string().trim().min(1).max(100)])
  .transform(String)
  .refine((s) => /^[\x21-\x7e]+$/.test(s), 'printable ASCII without spaces');

/** An optional display value (agent, team, channel); blank and placeholder-empty become absent. */
export const optionalText = z
  .union([z.string(), z.number(), z.null()])
  .optional()
  .transform((v) => (v === null || v === undefined ? undefined : String(v).trim() || undefined))
  .transform((v) => v?.slice(0, 200));

const BCP47 = /^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$/;

/** Keeps a locale the contact schema accepts; anything else is left out rather than refused. */
export function localeOrUndefined(value: string | null | undefined): string | undefined {
  const v = value?.trim();
  return v && v.length <= 35 && BCP47.test(v) ? v : undefined;
}

/** Drops the properties a helpdesk left empty. */
export function definedProperties(
  props: Record<string, string | undefined>,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(props).filter((e): e is [string, string] => e[1] !== undefined),
  );
}
