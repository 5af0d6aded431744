import type { Job } from 'bullmq';
import type { AppContext } from '../context';
import { reconcileInvitations } from '../surveys/invitation.service';
import type { JobPayloads } from './queues';

/** Periodic upkeep; each task is idempotent, so a duplicate run is harmless. */
export async function maintenanceJob(ctx: AppContext, job: Job<JobPayloads['maintenance']>) {
  switch (job.data.task) {
    case 'reconcile-invitations': {
      const result = await reconcileInvitations(ctx.db, ctx.clock, {
        // NOTE: a send outlives its BullMQ lock (30 s) long before this; 10 min is safely dead.
        sendingTimeoutMs: 10 * 60_000,
        overdueMs: 5 * 60_000,
      });
      ctx.logger.info(result, 'invitations reconciled');
      return result;
    }
  }
}
