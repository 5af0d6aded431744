import type { z } from 'zod';
import type { ErrorDetail } from '../errors';
import { ValidationError } from '../errors';

type Location = NonNullable<ErrorDetail['location']>;

function fieldPath(path: readonly PropertyKey[]): string {
  return path.map((p) => String(p)).join('.');
}

/** Turns zod issues into `{ field, issue }` details; each unknown key is named on its own. */
export function issuesToDetails(
  issues: readonly z.core.$ZodIssue[],
  location: Location,
): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        details.push({ field: fieldPath([...issue.path, key]), issue: 'Unknown field', location });
      }
      continue;
    }
    details.push({ field: fieldPath(issue.path) || location, issue: issue.message, location });
  }
  return details;
}

/** Parses `value` with `schema`; throws a 400 ValidationError naming every bad field. */
export function parse<S extends z.ZodType>(
  schema: S,
  value: unknown,
  location: Location,
): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new ValidationError(issuesToDetails(result.error.issues, location));
  }
  return result.data;
}
