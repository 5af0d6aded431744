import { Queue } from 'bullmq';
import type { JobsOptions } from 'bullmq';
import type { Config } from '../config';
import type { Logger } from '../logger';

/** Queue name → job payload. Payloads carry ids only: Redis stores job data in clear text. */
export interface JobPayloads {
  /** `reminder: true` sends the invitation's one reminder instead of the invitation. */
  'send-invitation': { invitationId: string; workspaceId: string; reminder?: boolean };
  maintenance: { task: MaintenanceTask };
  'webhook-delivery': { deliveryId: string; workspaceId: string };
  'followup-alert': { caseId: string; workspaceId: string };
  'chat-alert': { deliveryId: string; workspaceId: string };
}

export type QueueName = keyof JobPayloads;
export type MaintenanceTask =
  | 'reconcile-invitations'
  | 'schedule-reminders'
  | 'merge-rollups'
  | 'retention'
  | 'purge-sessions'
  | 'purge-outbox'
  | 'report-tick'
  | 'autopilot'
  | 'metric-alerts';

export const QUEUE_NAMES: readonly QueueName[] = [
  'send-invitation',
  'maintenance',
  'webhook-delivery',
  'followup-alert',
  'chat-alert',
];

/** BullMQ job ids must contain no ':' and must not be all digits. */
export function invitationJobId(invitationId: string): string {
  return `invitation-${invitationId}`;
}

export function reminderJobId(invitationId: string): string {
  return `reminder-${invitationId}`;
}

export function webhookDeliveryJobId(deliveryId: string): string {
  return `delivery-${deliveryId}`;
}

export function followupAlertJobId(caseId: string): string {
  return `followup-${caseId}`;
}

export function chatAlertJobId(deliveryId: string): string {
  return `chat-alert-${deliveryId}`;
}

export interface Queues {
  prefix: string;
  get<N extends QueueName>(name: N): Queue<JobPayloads[N]>;
  add<N extends QueueName>(name: N, data: JobPayloads[N], opts?: JobsOptions): Promise<void>;
  close(): Promise<void>;
}

export function queueConnection(config: Config) {
  const u = new URL(config.REDIS_URL);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.pathname.length > 1 ? { db: Number(u.pathname.slice(1)) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

export function createQueues(config: Config, logger: Logger): Queues {
  const created = new Map<QueueName, Queue>();
  const get = <N extends QueueName>(name: N): Queue<JobPayloads[N]> => {
    let queue = created.get(name);
    if (!queue) {
      queue = new Queue(name, {
        prefix: config.REDIS_PREFIX,
        // Producers fail fast while Redis is down; the outbox keeps the work (docs/reliability.md).
        connection: { ...queueConnection(config), enableOfflineQueue: false },
        defaultJobOptions: {
          removeOnComplete: { age: 86_400, count: 10_000 },
          removeOnFail: { age: 604_800 },
        },
      });
      queue.on('error', (err) => logger.warn({ queue: name, err: err.message }, 'queue error'));
      created.set(name, queue);
    }
    return queue as unknown as Queue<JobPayloads[N]>;
  };
  return {
    prefix: config.REDIS_PREFIX,
    get,
    async add(name, data, opts) {
      // NOTE: the cast is needed because BullMQ's add() is typed by the queue's generic name/data pair.
      await (get(name) as Queue).add(name, data, opts);
    },
    async close() {
      await Promise.all([...created.values()].map((q) => q.close()));
      created.clear();
    },
  };
}
