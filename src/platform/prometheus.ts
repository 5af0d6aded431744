import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Queues } from '../jobs/queues';
import { QUEUE_NAMES } from '../jobs/queues';

export interface Metrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  mailsSent: Counter<'outcome'>;
  eventsIngested: Counter<'outcome'>;
  quotaAlerts: Counter;
}

/** One registry per context, so tests can build many contexts in one process. */
export function createMetrics(queues: Queues): Metrics {
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
  new Gauge({
    name: 'glas_queue_jobs',
    help: 'Jobs per queue and state',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const name of QUEUE_NAMES) {
        try {
          const counts = await queues
            .get(name)
            .getJobCounts('waiting', 'active', 'delayed', 'failed');
          for (const [state, value] of Object.entries(counts)) {
            this.set({ queue: name, state }, value);
          }
        } catch {
          // Redis away: the gauge is simply absent; /readyz reports the outage.
        }
      }
    },
  });
  return { registry, httpRequests, httpDuration, mailsSent, eventsIngested, quotaAlerts };
}
