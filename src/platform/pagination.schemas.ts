import { z } from 'zod';

/** `?limit=` of cursor-paginated lists: a whole number from 1 to 200, as a query string. */
export const pageLimitSchema = z
  .string()
  .regex(/^\d{1,4}$/, 'a whole number from 1 to 200')
  .transform(Number)
  .pipe(z.number().int().min(1).max(200))
  .optional();

/** `?cursor=` from the previous page's `nextCursor`; opaque to clients. */
export const pageCursorSchema = z.string().max(200).optional();
