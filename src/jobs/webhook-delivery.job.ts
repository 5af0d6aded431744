import { UnrecoverableError } from 'bullmq';
import type { Job } from 'bullmq';
import type { AppContext } from '../context';
import { DeliveryFailedError, deliverWebhook } from '../webhooks/webhook.service';
import type { JobPayloads } from './queues';

/** Delivers one webhook event; BullMQ retries with backoff, the delivery row logs each attempt. */
export async function webhookDeliveryJob(
  ctx: AppContext,
  job: Job<JobPayloads['webhook-delivery']>,
): Promise<string> {
  const attempts = job.opts.attempts ?? 1;
  try {
    return await deliverWebhook(ctx, job.data.workspaceId, job.data.deliveryId, {
      number: job.attemptsMade + 1,
      last: job.attemptsMade + 1 >= attempts,
    });
  } catch (err) {
    if (err instanceof DeliveryFailedError && err.permanent) {
      throw new UnrecoverableError(err.message);
    }
    throw err;
  }
}
