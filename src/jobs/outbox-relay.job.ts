import { sql } from 'kysely';
import type { AppContext } from '../context';
import type { Selectable } from 'kysely';
import type { OutboxTable } from '../../db/schema/outbox';
import { invitationJobId, reminderJobId } from './queues';

export interface RelayDeps {
  db: AppContext['db'];
  queues: AppContext['queues'];
  clock: AppContext['clock'];
  config: Pick<AppContext['config'], 'SEND_ATTEMPTS' | 'SEND_BACKOFF_MS'>;
}

type OutboxRow = Pick<
  Selectable<OutboxTable>,
  'id' | 'workspace_id' | 'topic' | 'aggregate_id' | 'available_at'
>;

function jobFor(row: OutboxRow, deps: RelayDeps, now: number) {
  const reminder = row.topic === 'send-reminder';
  return {
    name: row.topic,
    data: {
      invitationId: row.aggregate_id,
      workspaceId: row.workspace_id,
      ...(reminder ? { reminder: true } : {}),
    },
    opts: {
      jobId: reminder ? reminderJobId(row.aggregate_id) : invitationJobId(row.aggregate_id),
      delay: Math.max(0, row.available_at.getTime() - now),
      attempts: deps.config.SEND_ATTEMPTS,
      backoff: { type: 'exponential', delay: deps.config.SEND_BACKOFF_MS, jitter: 0.5 },
    },
  };
}

/**
 * A job id that is still in Redis as completed or failed would swallow the re-add of a
 * reconciler row (BullMQ ignores a known id). Those finished jobs are removed first; a job
 * that is waiting, delayed or active is left alone and the re-add is ignored.
 */
async function clearFinishedJobs(deps: RelayDeps, jobIds: string[]): Promise<void> {
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
 * Moves pending outbox rows to BullMQ: claim a batch with SKIP LOCKED, add one delayed
 * job per invitation (job id derived from the invitation id), then mark the rows. A crash
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
    await clearFinishedJobs(
      deps,
      jobs.map((j) => j.opts.jobId),
    );
    await deps.queues.get('send-invitation').addBulk(jobs);
    await trx
      .updateTable('outbox')
      .set({ published_at: sql`now()` })
      .where(
        'id',
        'in',
        rows.map((r) => r.id),
      )
      .execute();
    return rows.length;
  });
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
