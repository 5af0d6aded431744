import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { errorResponseSchema } from './openapi-common';
import { registerContactPaths } from './routes/contact.routes';
import { registerEventPaths } from './routes/event.routes';
import { registerFollowupPaths } from './routes/followup.routes';
import { registerImportPaths } from './routes/import.routes';
import { registerInvitationPaths } from './routes/invitation.routes';
import { registerSuppressionPaths } from './routes/suppression.routes';
import { registerMetricsPaths } from './routes/metrics.routes';
import { registerResponsePaths } from './routes/response.routes';
import { registerSurveyPaths } from './routes/survey.routes';
import { registerWebhookPaths } from './routes/webhook.routes';
import { registerBounceSourcePaths } from './routes/bounce-source.routes';
import { registerHelpdeskSourcePaths } from './routes/helpdesk-source.routes';
import { registerChatAlertPaths } from './routes/chat-alert.routes';
import { registerMetricAlertPaths } from './routes/metric-alert.routes';
import { registerActionPaths } from './routes/action.routes';
import { registerReportPaths } from './routes/report.routes';
import { registerWorkspacePaths } from './routes/workspace.routes';

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
  registerMetricsPaths(registry);
  registerEventPaths(registry);
  registerResponsePaths(registry);
  registerWebhookPaths(registry);
  registerChatAlertPaths(registry);
  registerMetricAlertPaths(registry);
  registerFollowupPaths(registry);
  registerContactPaths(registry);
  registerInvitationPaths(registry);
  registerSuppressionPaths(registry);
  registerBounceSourcePaths(registry);
  registerHelpdeskSourcePaths(registry);
  registerImportPaths(registry);
  registerWorkspacePaths(registry);
  registerReportPaths(registry);
  registerActionPaths(registry);
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
