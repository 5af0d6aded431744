import express from 'express';
import type { Express, NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { ipKeyGenerator } from 'express-rate-limit';
import { apiRateLimit } from './rate-limit';
import { pinoHttp } from 'pino-http';
import type { AppContext } from '../context';
import { NotFoundError } from '../errors';
import { redactUrl } from '../logger';
import { requireApiKey } from './auth';
import { onWritesOnly } from './read-requests';
import { errorHandler } from './errors';
import { rejectMalformedPaths } from './malformed-path';
import { buildOpenApiDocument } from './openapi';
import { collectorRoutes } from './routes/collector.routes';
import { dashboardRoutes } from './dashboard';
import { devRoutes } from './routes/dev.routes';
import { contactRoutes } from './routes/contact.routes';
import { eventRoutes } from './routes/event.routes';
import { followupRoutes } from './routes/followup.routes';
import { invitationRoutes } from './routes/invitation.routes';
import { suppressionRoutes } from './routes/suppression.routes';
import { healthRoutes } from './routes/health.routes';
import { importRoutes } from './routes/import.routes';
import { metricsRoutes } from './routes/metrics.routes';
import { responseRoutes } from './routes/response.routes';
import { surveyRoutes } from './routes/survey.routes';
import { webhookRoutes } from './routes/webhook.routes';
import { bounceIntakeRoutes, bounceSourceRoutes } from './routes/bounce-source.routes';
import { helpdeskIntakeRoutes, helpdeskSourceRoutes } from './routes/helpdesk-source.routes';
import { chatAlertRoutes } from './routes/chat-alert.routes';
import { metricAlertRoutes } from './routes/metric-alert.routes';
import { actionRoutes } from './routes/action.routes';
import { reportPageRoutes, reportRoutes } from './routes/report.routes';
import { workspaceRoutes } from './routes/workspace.routes';
import { delightedSettingsRoutes } from './v1/settings.routes';
import { v1Routes } from './v1/v1.routes';
import { AppError } from '../errors';

function recordMetrics(ctx: AppContext) {
  return (req: Request, res: Response, next: NextFunction) => {
    const end = ctx.metrics.httpDuration.startTimer();
    res.on('finish', () => {
      const route = (req.route as { path?: string } | undefined)?.path;
      const label = route ? `${req.baseUrl}${route}` : 'unmatched';
      const labels = { method: req.method, route: label, status: String(res.statusCode) };
      ctx.metrics.httpRequests.inc(labels);
      end(labels);
    });
    next();
  };
}

/** A JSON body must say so; anything else on a write is refused before parsing. */
function requireJson(req: Request, _res: Response, next: NextFunction) {
  const hasBody = Number(req.get('content-length') ?? 0) > 0 || req.get('transfer-encoding');
  if (hasBody && !req.is('application/json')) {
    throw new AppError(415, 'unsupported_media_type', 'Send the body as application/json.');
  }
  next();
}

export function createApp(ctx: AppContext): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', ctx.config.TRUST_PROXY);
  app.set('query parser', 'simple');
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'none'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          baseUri: ["'none'"],
        },
      },
      referrerPolicy: { policy: 'no-referrer' },
    }),
  );
  app.use(
    pinoHttp({
      logger: ctx.logger,
      serializers: {
        req: (req: { method: string; url: string; id: unknown }) => ({
          id: req.id,
          method: req.method,
          url: redactUrl(req.url),
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    }),
  );
  app.use(recordMetrics(ctx));
  app.use(rejectMalformedPaths());

  app.use(healthRoutes(ctx));
  app.get('/openapi.json', (_req, res) => {
    res.json(buildOpenApiDocument());
  });
  app.use(collectorRoutes(ctx));
  app.use(reportPageRoutes(ctx));
  if (ctx.config.DEV_MAILBOX) {
    app.use('/dev', devRoutes(ctx));
  }

  app.use('/dashboard', dashboardRoutes(ctx));
  app.use('/inbound/bounces', bounceIntakeRoutes(ctx));
  app.use('/inbound/helpdesk', helpdeskIntakeRoutes(ctx));

  const api = express.Router();
  api.use(
    apiRateLimit(ctx, 'api', (req) => req.get('authorization') ?? ipKeyGenerator(req.ip ?? '')),
  );
  // CSV imports stream their own text/csv body, so they sit before the JSON-only parser.
  api.use('/imports', importRoutes(ctx));
  api.use(
    onWritesOnly(requireJson, express.json({ limit: ctx.config.BODY_LIMIT_BYTES, strict: true })),
  );
  api.use(requireApiKey(ctx));
  api.use(metricsRoutes(ctx));
  api.use(workspaceRoutes(ctx));
  api.use('/reports', reportRoutes(ctx));
  api.use('/actions', actionRoutes(ctx));
  api.use('/surveys', surveyRoutes(ctx));
  api.use('/events', eventRoutes(ctx));
  api.use('/responses', responseRoutes(ctx));
  api.use('/webhooks', webhookRoutes(ctx));
  api.use('/chat-alerts', chatAlertRoutes(ctx));
  api.use('/metric-alerts', metricAlertRoutes(ctx));
  api.use('/followups', followupRoutes(ctx));
  api.use('/contacts', contactRoutes(ctx));
  api.use('/invitations', invitationRoutes(ctx));
  api.use('/unsubscribes', suppressionRoutes(ctx, 'unsubscribed'));
  api.use('/bounces', suppressionRoutes(ctx, 'bounced'));
  api.use('/bounce-sources', bounceSourceRoutes(ctx));
  api.use('/helpdesk-sources', helpdeskSourceRoutes(ctx));
  api.use('/delighted', delightedSettingsRoutes(ctx));
  app.use('/api', api);
  app.use('/v1', v1Routes(ctx));

  app.use(() => {
    throw new NotFoundError('route_not_found', 'No such route.');
  });
  app.use(errorHandler(ctx.logger));
  return app;
}
