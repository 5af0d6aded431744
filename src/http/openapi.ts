import {
  OpenAPIRegistry,
  OpenApiGeneratorV31,
  extendZodWithOpenApi,
} from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { registerEventPaths } from './routes/event.routes';
import { registerSurveyPaths } from './routes/survey.routes';

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

/** The OpenAPI document, generated from the same zod schemas that validate requests. */
export function buildOpenApiDocument() {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'API key created with `glas create-workspace` (shown once, stored hashed)',
  });
  registry.register('Error', errorResponseSchema);
  registerSurveyPaths(registry);
  registerEventPaths(registry);
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Glas API',
      version: '0.1.0',
      description:
        'Voice-of-customer surveys: NPS, CSAT and CES. All routes need `Authorization: Bearer <key>`.',
    },
    security: [{ bearer: [] }],
  });
}
