import { Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import type { Queues } from './queues';
import { QUEUE_NAMES } from './queues';

/** `glas_queue_jobs`: jobs per queue and state, read from Redis at scrape time. */
export function registerQueueGauge(registry: Registry, queues: Queues): void {
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
}
