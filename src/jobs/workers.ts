import { Worker } from 'bullmq';
import type { Job } from 'bullmq';
import type { AppContext } from '../context';
import { chatAlertJob } from './chat-alert.job';
import { followupAlertJob } from './followup-alert.job';
import { maintenanceJob } from './maintenance.job';
import { queueConnection } from './queues';
import type { JobPayloads, QueueName } from './queues';
import { sendInvitationJob } from './send-invitation.job';
import { webhookDeliveryJob } from './webhook-delivery.job';

type Handlers = {
  [N in QueueName]: (ctx: AppContext, job: Job<JobPayloads[N]>) => Promise<unknown>;
};

// NOTE: a queue without a handler fails the type check here, which is our boot-time check.
// Webhook deliveries and chat alerts post to many workspaces' receivers; one that hangs until
// WEBHOOK_TIMEOUT_MS must not hold the others back, so several run at once. Their order was
// never promised (retries reorder them); payloads carry their time.
const OUTBOUND_HTTP_CONCURRENCY = 10;
const HANDLERS: Handlers = {
  'send-invitation': sendInvitationJob,
  maintenance: maintenanceJob,
  'webhook-delivery': webhookDeliveryJob,
  'followup-alert': followupAlertJob,
  'chat-alert': chatAlertJob,
};

export interface Workers {
  close(): Promise<void>;
}

export function startWorkers(ctx: AppContext): Workers {
  const workers = (Object.keys(HANDLERS) as QueueName[]).map((name) => {
    const handler = HANDLERS[name] as (ctx: AppContext, job: Job) => Promise<unknown>;
    const worker = new Worker(name, (job) => handler(ctx, job), {
      prefix: ctx.config.REDIS_PREFIX,
      connection: { ...queueConnection(ctx.config), maxRetriesPerRequest: null },
      concurrency:
        name === 'send-invitation'
          ? ctx.config.SEND_CONCURRENCY
          : name === 'chat-alert' || name === 'webhook-delivery'
            ? OUTBOUND_HTTP_CONCURRENCY
            : 1,
      lockDuration: ctx.config.WORKER_LOCK_MS,
      stalledInterval: ctx.config.WORKER_STALLED_INTERVAL_MS,
    });
    worker.on('failed', (job, err) =>
      ctx.logger.warn(
        { queue: name, jobId: job?.id, attempts: job?.attemptsMade, err: err.message },
        'job failed',
      ),
    );
    worker.on('stalled', (jobId) => ctx.logger.warn({ queue: name, jobId }, 'job stalled'));
    worker.on('error', (err) =>
      ctx.logger.error({ queue: name, err: err.message }, 'worker error'),
    );
    return worker;
  });
  return {
    async close() {
      await Promise.all(workers.map((w) => w.close()));
    },
  };
}
