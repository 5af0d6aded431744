import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  mailsSent: Counter<'outcome'>;
  eventsIngested: Counter<'outcome'>;
  quotaAlerts: Counter;
}

/** One registry per context, so tests can build many contexts in one process. */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'glas_' });
  const httpRequests = new Counter({
    name: 'glas_http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const httpDuration = new Histogram({
    name: 'glas_http_request_duration_seconds',
    help: 'HTTP request duration',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const mailsSent = new Counter({
    name: 'glas_invitation_sends_total',
    help: 'Invitation send attempts by outcome (sent, retry, bounced, skipped, send_unknown)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const eventsIngested = new Counter({
    name: 'glas_events_ingested_total',
    help: 'Events accepted by POST /api/events',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const quotaAlerts = new Counter({
    name: 'glas_quota_alerts_total',
    help: 'Workspaces that reached their daily send quota (once per workspace and day)',
    registers: [registry],
  });
  return { registry, httpRequests, httpDuration, mailsSent, eventsIngested, quotaAlerts };
}
