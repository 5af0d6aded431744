import { Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { Clock } from '../clock';
import { findStaleSchedules } from '../platform/schedule-runs.service';
import type { Queues } from './queues';
import { findMissingSchedules } from './schedules';
import { countUnknownSends } from '../dispatch/invitation-query.service';
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

/**
 * `glas_schedule_missing` (registered, but absent from Redis) and `glas_schedule_late` (not
 * fired within three intervals), 1 or 0 per schedule, read at scrape time.
 */
export function registerScheduleGauges(
  registry: Registry,
  deps: { db: Kysely<Database>; queues: Queues; clock: Clock },
): void {
  new Gauge({
    name: 'glas_schedule_missing',
    help: 'Job schedules registered by a scheduler but missing from Redis (1 = missing)',
    labelNames: ['schedule'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      try {
        for (const id of await findMissingSchedules(deps)) {
          this.set({ schedule: id }, 1);
        }
      } catch {
        // Redis or Postgres away: /readyz reports the outage.
      }
    },
  });
  new Gauge({
    name: 'glas_invitations_send_unknown',
    help: 'Invitations whose send is unknown (handed to SMTP by a worker that died): leave or resend',
    registers: [registry],
    async collect() {
      try {
        this.set(await countUnknownSends(deps.db));
      } catch {
        // Postgres away: /readyz reports the outage.
      }
    },
  });
  new Gauge({
    name: 'glas_schedule_late',
    help: 'Job schedules that have not fired within three intervals (1 = late)',
    labelNames: ['schedule'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      try {
        for (const s of await findStaleSchedules(deps.db, deps.clock.now())) {
          this.set({ schedule: s.scheduleId }, 1);
        }
      } catch {
        // Postgres away: /readyz reports the outage.
      }
    },
  });
}
