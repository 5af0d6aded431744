import { z } from 'zod';
import { ValidationError } from '../errors';

/** What a provider reported, reduced to what suppresses: a hard bounce or a complaint. */
export interface BounceReport {
  /** The provider's own id of the event; a repeat of it changes nothing. */
  eventId: string;
  kind: 'bounce' | 'complaint';
  /** The provider's classification, e.g. `HardBounce`, `Permanent/General`, `abuse`. */
  detail: string;
  emails: string[];
}

/** The reports in one provider call, and how many of its events did not suppress anyone. */
export interface ParsedCall {
  reports: BounceReport[];
  ignored: number;
}

/** An address as providers send it; lenient, since the provider already delivered to it. */
export const providerEmail = z.string().trim().min(3).max(320).regex(/@/, 'must be an address');

/** Parses a provider body with `schema`; a 400 names every missing or wrong field. */
export function parseProviderBody<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new ValidationError(
      result.error.issues.map((i) => ({
        field: i.path.map(String).join('.') || 'body',
        issue: i.message,
        location: 'body' as const,
      })),
      'The provider payload is not of a known shape.',
    );
  }
  return result.data;
}
