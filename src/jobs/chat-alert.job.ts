import { UnrecoverableError } from 'bullmq';
import type { Job } from 'bullmq';
import type { AppContext } from '../context';
import { deliverChatAlert } from '../webhooks/chat-alert.service';
import { DeliveryFailedError } from '../webhooks/webhook.service';
import type { JobPayloads } from './queues';

/** Posts one Slack or Teams alert; BullMQ retries with backoff, the delivery row logs each try. */
export async function chatAlertJob(
  ctx: AppContext,
  job: Job<JobPayloads['chat-alert']>,
): Promise<string> {
  const attempts = job.opts.attempts ?? 1;
  try {
    return await deliverChatAlert(ctx, job.data.workspaceId, job.data.deliveryId, {
      last: job.attemptsMade + 1 >= attempts,
    });
  } catch (err) {
    if (err instanceof DeliveryFailedError && err.permanent) {
      throw new UnrecoverableError(err.message);
    }
    throw err;
  }
}
