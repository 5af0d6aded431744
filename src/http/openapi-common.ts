import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

extendZodWithOpenApi(z);

export const errorResponseSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z
      .array(z.object({ field: z.string(), issue: z.string(), location: z.string().optional() }))
      .optional(),
  }),
});

/** Standard error responses every authenticated JSON endpoint can give. */
export function errorResponses(...statuses: number[]) {
  const descriptions: Record<number, string> = {
    400: 'Invalid input; `details` names each field',
    401: 'Missing or invalid API key',
    403: 'The key’s role does not allow this',
    404: 'Not found in this workspace',
    409: 'Conflict with the current state',
    413: 'Body too large',
    422: 'Idempotency key reused with another body',
  };
  return Object.fromEntries(
    [400, 401, 403, ...statuses].map((s) => [
      s,
      {
        description: descriptions[s] ?? 'Error',
        content: { 'application/json': { schema: errorResponseSchema } },
      },
    ]),
  );
}
