import { sql } from 'kysely';
import type { AppContext } from '../context';
import type { Selectable } from 'kysely';
import type { OutboxTable, OutboxTopic } from '../../db/schema/outbox';
import type { JobsOptions, Queue } from 'bullmq';
import {
  chatAlertJobId,
  followupAlertJobId,
  invitationJobId,
  reminderJobId,
  webhookDeliveryJobId,
} from './queues';
import type { JobPayloads, QueueName } from './queues';

export interface RelayDeps {
  db: AppContext['db'];
  queues: AppContext['queues'];
  clock: AppContext['clock'];
  config: Pick<
    AppContext['config'],
    'SEND_ATTEMPTS' | 'SEND_BACKOFF_MS' | 'WEBHOOK_ATTEMPTS' | 'WEBHOOK_BACKOFF_MS'
  >;
}

type OutboxRow = Pick<
  Selectable<OutboxTable>,
  'id' | 'workspace_id' | 'topic' | 'aggregate_id' | 'available_at'
>;

/** How often and how patiently an owner is alerted of a new follow-up case. */
const FOLLOWUP_ALERT_ATTEMPTS = 5;
const FOLLOWUP_ALERT_BACKOFF_MS = 10_000;

interface RelayedJob<N extends QueueName> {
  queue: N;
  name: N;
  data: JobPayloads[N];
  opts: JobsOptions & { jobId: string };
}

/**
 * The one place that decides every job's queue, id and options. A job id is derived from the
 * row's aggregate (invitation, delivery, case), so relaying a row twice adds one job.
 */
function jobFor(row: OutboxRow, deps: RelayDeps, now: number): RelayedJob<QueueName> {
  const workspaceId = row.workspace_id;
  const delay = Math.max(0, row.available_at.getTime() - now);
  const retry = (attempts: number, delayMs: number) => ({
    attempts,
    backoff: { type: 'exponential', delay: delayMs, jitter: 0.5 },
  });
  switch (row.topic) {
    case 'send-invitation':
    case 'send-reminder': {
      const reminder = row.topic === 'send-reminder';
      return {
        queue: 'send-invitation',
        name: 'send-invitation',
        data: { invitationId: row.aggregate_id, workspaceId, ...(reminder ? { reminder } : {}) },
        opts: {
          jobId: reminder ? reminderJobId(row.aggregate_id) : invitationJobId(row.aggregate_id),
          delay,
          ...retry(deps.config.SEND_ATTEMPTS, deps.config.SEND_BACKOFF_MS),
        },
      };
    }
    case 'webhook-delivery':
      return {
        queue: 'webhook-delivery',
        name: 'webhook-delivery',
        data: { deliveryId: row.aggregate_id, workspaceId },
        opts: {
          jobId: webhookDeliveryJobId(row.aggregate_id),
          delay,
          ...retry(deps.config.WEBHOOK_ATTEMPTS, deps.config.WEBHOOK_BACKOFF_MS),
        },
      };
    case 'chat-alert':
      return {
        queue: 'chat-alert',
        name: 'chat-alert',
        data: { deliveryId: row.aggregate_id, workspaceId },
        opts: {
          jobId: chatAlertJobId(row.aggregate_id),
          delay,
          ...retry(deps.config.WEBHOOK_ATTEMPTS, deps.config.WEBHOOK_BACKOFF_MS),
        },
      };
    case 'followup-alert':
      return {
        queue: 'followup-alert',
        name: 'followup-alert',
        data: { caseId: row.aggregate_id, workspaceId },
        opts: {
          jobId: followupAlertJobId(row.aggregate_id),
          delay,
          ...retry(FOLLOWUP_ALERT_ATTEMPTS, FOLLOWUP_ALERT_BACKOFF_MS),
        },
      };
  }
}

/**
 * A job id that is still in Redis as completed or failed would swallow the re-add of a
 * reconciler row (BullMQ ignores a known id). Those finished jobs are removed first; a job
 * that is waiting, delayed or active is left alone and the re-add is ignored.
 */
async function clearFinishedSends(deps: RelayDeps, jobIds: string[]): Promise<void> {
  if (jobIds.length === 0) {
    return;
  }
  const queue = deps.queues.get('send-invitation');
  await Promise.all(
    jobIds.map(async (id) => {
      const job = await queue.getJob(id);
      if (job && ((await job.isCompleted()) || (await job.isFailed()))) {
        await job.remove();
      }
    }),
  );
}

/**
 * Moves pending outbox rows to BullMQ: claim a batch with SKIP LOCKED, add one job per row
 * (delayed until `available_at`; the id derived from the row's aggregate), then mark the rows. A crash
 * between add and mark re-adds the same job id, which BullMQ ignores while the job exists;
 * the worker's claim in Postgres covers the rest. Returns how many rows were relayed.
 */
export async function relayOutboxBatch(deps: RelayDeps, batchSize = 100): Promise<number> {
  return deps.db.transaction().execute(async (trx) => {
    const rows = await trx
      .selectFrom('outbox')
      .select(['id', 'workspace_id', 'topic', 'aggregate_id', 'available_at'])
      .where('published_at', 'is', null)
      .orderBy('id')
      .limit(batchSize)
      .forUpdate()
      .skipLocked()
      .execute();
    if (rows.length === 0) {
      return 0;
    }
    const now = deps.clock.now().getTime();
    const jobs = rows.map((row) => jobFor(row, deps, now));
    await clearFinishedSends(
      deps,
      jobs.filter((j) => j.queue === 'send-invitation').map((j) => j.opts.jobId),
    );
    for (const queue of new Set(jobs.map((j) => j.queue))) {
      const batch = jobs
        .filter((j) => j.queue === queue)
        .map(({ name, data, opts }) => ({ name, data, opts }));
      // NOTE: the cast is needed because addBulk is typed by the queue's own name/data pair.
      await (deps.queues.get(queue) as unknown as Queue).addBulk(batch);
    }
    await trx
      .updateTable('outbox')
      .set({ published_at: new Date(now) })
      .where(
        'id',
        'in',
        rows.map((r) => r.id),
      )
      .execute();
    return rows.length;
  });
}

/**
 * How long after its last attempt a job of these retries must have run again: twice its
 * longest backoff (jitter only shortens it), at least `overdueMs`, at most a day.
 */
export function lostAfterMs(attempts: number, backoffMs: number, overdueMs: number): number {
  const longest = backoffMs * 2 ** Math.min(attempts - 1, 20);
  return Math.min(Math.max(2 * longest, overdueMs), 86_400_000);
}

/** No outbox row of this topic for `idColumn` is pending or was published after `since`. */
const noRowSince = (topic: OutboxTopic, idColumn: string, since: Date) =>
  sql<boolean>`not exists (select 1 from outbox o where o.aggregate_id = ${sql.ref(idColumn)} and o.topic = ${topic} and (o.published_at is null or o.published_at > ${since}))`;

export interface LostJobsRequeued {
  webhookDeliveries: number;
  chatAlerts: number;
  caseAlerts: number;
}

/**
 * The reconciler's repair for the jobs the relay made besides sends (invitations have their
 * own, in dispatch): a webhook or chat-alert delivery still `pending`, or a new case's owner
 * alert not sent, whose job should have run by now but has no recent outbox row, gets a fresh
 * one, because Redis lost its job. When the job is in fact still there (a long backlog), the
 * relay's re-add of the same job id is ignored, and a row is written at most once per
 * lost-after period. Owner alerts are repaired for a day after the case opened, no longer.
 */
export async function requeueLostJobs(
  db: RelayDeps['db'],
  now: Date,
  config: RelayDeps['config'] & { RECONCILE_OVERDUE_MS: number },
): Promise<LostJobsRequeued> {
  const overdue = config.RECONCILE_OVERDUE_MS;
  const httpLost = new Date(
    now.getTime() - lostAfterMs(config.WEBHOOK_ATTEMPTS, config.WEBHOOK_BACKOFF_MS, overdue),
  );
  const alertLost = new Date(
    now.getTime() - lostAfterMs(FOLLOWUP_ALERT_ATTEMPTS, FOLLOWUP_ALERT_BACKOFF_MS, overdue),
  );
  const insert = async (
    topic: OutboxTopic,
    table: 'webhook_deliveries' | 'chat_alert_deliveries',
  ): Promise<number> => {
    const result = await db
      .insertInto('outbox')
      .columns(['workspace_id', 'topic', 'aggregate_id', 'available_at'])
      .expression((eb) =>
        eb
          .selectFrom(table)
          .select((s) => [
            `${table}.workspace_id` as 'workspace_id',
            s.val(topic).as('topic'),
            `${table}.id` as 'id',
            s.val(now).as('available_at'),
          ])
          .where(`${table}.status`, '=', 'pending')
          .where(`${table}.updated_at`, '<', httpLost)
          .where(noRowSince(topic, `${table}.id`, httpLost)),
      )
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n);
  };
  const webhookDeliveries = await insert('webhook-delivery', 'webhook_deliveries');
  const chatAlerts = await insert('chat-alert', 'chat_alert_deliveries');
  const cases = await db
    .insertInto('outbox')
    .columns(['workspace_id', 'topic', 'aggregate_id', 'available_at'])
    .expression((eb) =>
      eb
        .selectFrom('followup_cases')
        .select((s) => [
          'followup_cases.workspace_id',
          s.val('followup-alert').as('topic'),
          'followup_cases.id',
          s.val(now).as('available_at'),
        ])
        .where('followup_cases.owner_email', 'is not', null)
        .where('followup_cases.alert_sent_at', 'is', null)
        .where('followup_cases.created_at', '<', alertLost)
        .where('followup_cases.created_at', '>', new Date(now.getTime() - 86_400_000))
        .where(noRowSince('followup-alert', 'followup_cases.id', alertLost)),
    )
    .executeTakeFirst();
  return {
    webhookDeliveries,
    chatAlerts,
    caseAlerts: Number(cases.numInsertedOrUpdatedRows ?? 0n),
  };
}

/** Published outbox rows are kept this long: the reconciler and reminders read recent ones only. */
export const OUTBOX_KEEP_DAYS = 7;
const PURGE_BATCH = 10_000;

/**
 * Deletes outbox rows published and due more than OUTBOX_KEEP_DAYS ago, in batches so no
 * statement holds many row locks. The reconciler only asks about rows published within
 * RECONCILE_OVERDUE_MS and reminders about the latest one per invitation, both far inside
 * the kept week; pending rows are never touched. Returns how many rows were deleted.
 */
export async function purgePublishedOutbox(
  db: RelayDeps['db'],
  now: Date,
  keepDays = OUTBOX_KEEP_DAYS,
): Promise<number> {
  const before = new Date(now.getTime() - keepDays * 86_400_000);
  let purged = 0;
  for (;;) {
    const result = await db
      .deleteFrom('outbox')
      .where(
        'id',
        'in',
        db
          .selectFrom('outbox')
          .select('id')
          .where('published_at', '<', before)
          .where('available_at', '<', before)
          .limit(PURGE_BATCH),
      )
      .executeTakeFirst();
    const n = Number(result.numDeletedRows);
    purged += n;
    if (n < PURGE_BATCH) {
      return purged;
    }
  }
}

/** Relays until the outbox is empty. */
export async function drainOutbox(deps: RelayDeps): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await relayOutboxBatch(deps);
    total += n;
    if (n === 0) {
      return total;
    }
  }
}

export interface Poller {
  stop(): Promise<void>;
}

/** Polls the outbox every `intervalMs`; errors (Redis or Postgres away) are logged and retried. */
export function startOutboxRelay(ctx: AppContext): Poller {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = drainOutbox(ctx)
      .then((n) => {
        if (n > 0) {
          ctx.logger.debug({ relayed: n }, 'outbox relayed');
        }
      })
      .catch((err: unknown) => {
        ctx.logger.warn(
          { err: err instanceof Error ? err.message : String(err) },
          'outbox relay failed',
        );
      })
      .finally(() => {
        if (!stopped) {
          timer = setTimeout(tick, ctx.config.OUTBOX_POLL_MS);
        }
      });
  };
  tick();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
