import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { Clock } from '../clock';
import type { Queues } from '../jobs/queues';
import type { Logger } from '../logger';
import { findUnalertedCases } from '../followups/followup.repository';
import { enqueuePendingJobs } from './response-effects';
import type { PendingJob } from './response-effects';
import { findUnqueuedDeliveries } from '../webhooks/webhook.repository';

/**
 * Hands to BullMQ what a request committed but could not enqueue (Redis was away): webhook
 * deliveries never queued and owner alerts never sent. Job ids make a repeat harmless.
 */
export async function sweepCollector(
  deps: {
    db: Kysely<Database>;
    clock: Clock;
    queues: Queues;
    logger?: Logger;
    config: { WEBHOOK_ATTEMPTS: number; WEBHOOK_BACKOFF_MS: number };
  },
  graceMs = 60_000,
): Promise<{ deliveries: number; alerts: number }> {
  const before = new Date(deps.clock.now().getTime() - graceMs);
  const deliveries = await findUnqueuedDeliveries(deps.db, before, 500);
  const cases = await findUnalertedCases(deps.db, before, 500);
  const jobs: PendingJob[] = [
    ...deliveries.map((d) => ({
      queue: 'webhook-delivery' as const,
      deliveryId: d.id,
      workspaceId: d.workspace_id,
    })),
    ...cases.map((c) => ({
      queue: 'followup-alert' as const,
      caseId: c.id,
      workspaceId: c.workspace_id,
    })),
  ];
  await enqueuePendingJobs(deps, jobs, {
    webhookAttempts: deps.config.WEBHOOK_ATTEMPTS,
    webhookBackoffMs: deps.config.WEBHOOK_BACKOFF_MS,
  });
  return { deliveries: deliveries.length, alerts: cases.length };
}
