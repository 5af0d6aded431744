import type { Kysely } from 'kysely';
import type { Database, SurveyKind, WebhookEvent } from '../../db/schema';
import type { Clock } from '../clock';
import { followupAlertJobId, webhookDeliveryJobId } from '../jobs/queues';
import type { Queues } from '../jobs/queues';
import type { Logger } from '../logger';
import { emitDelightedResponseEvent } from '../webhooks/formats/delighted';
import { findRules, insertCase } from '../followups/followup.repository';
import type { ResponseRow } from './response.repository';
import { updateResponse } from './response.repository';
import { toResponseDto } from './response.schemas';
import { isLowScore } from '../surveys/scales';
import { insertDeliveriesForEvent, markDeliveriesEnqueued } from '../webhooks/webhook.repository';

/** Work to hand to BullMQ once the transaction has committed (never inside it). */
export type PendingJob =
  | { queue: 'webhook-delivery'; deliveryId: string; workspaceId: string }
  | { queue: 'followup-alert'; caseId: string; workspaceId: string };

export interface EffectDeps {
  clock: Clock;
  config: { FOLLOWUP_DEFAULT_SLA_HOURS: number; PUBLIC_URL?: string };
}

/** The one rule for what scores count; the SQL view `counted_responses` says the same. */
export function countsInScores(row: Pick<ResponseRow, 'status' | 'flagged'>): boolean {
  return row.status === 'counted' && !row.flagged;
}

function changed(before: ResponseRow | undefined, after: ResponseRow): boolean {
  return (
    !before ||
    before.score !== after.score ||
    before.comment !== after.comment ||
    before.flagged !== after.flagged ||
    before.status !== after.status
  );
}

async function emit(
  trx: Kysely<Database>,
  workspaceId: string,
  event: WebhookEvent,
  data: object,
  now: Date,
  jobs: PendingJob[],
) {
  const payload = { event, createdAt: now.toISOString(), data };
  const ids = await insertDeliveriesForEvent(trx, workspaceId, event, payload, now);
  for (const deliveryId of ids) {
    jobs.push({ queue: 'webhook-delivery', deliveryId, workspaceId });
  }
}

/** The same change for webhooks in Delighted's format (they subscribe by Delighted's names). */
async function emitDelighted(
  trx: Kysely<Database>,
  deps: EffectDeps,
  event: 'survey_response.created' | 'survey_response.updated',
  kind: SurveyKind,
  row: ResponseRow,
  now: Date,
  jobs: PendingJob[],
) {
  const ids = await emitDelightedResponseEvent(
    trx,
    event,
    kind,
    row,
    deps.config.PUBLIC_URL ?? '',
    now,
  );
  for (const deliveryId of ids) {
    jobs.push({ queue: 'webhook-delivery', deliveryId, workspaceId: row.workspace_id });
  }
}

function segmentText(value: unknown): string | undefined {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? String(value)
    : undefined;
}

async function openCase(
  trx: Kysely<Database>,
  deps: EffectDeps,
  row: ResponseRow,
  now: Date,
  jobs: PendingJob[],
) {
  const rules = await findRules(trx, row.workspace_id);
  const segment = row.segment;
  const rule =
    rules.find((r) => r.property !== null && segmentText(segment[r.property]) === r.value) ??
    rules.find((r) => r.property === null);
  const slaHours = rule?.sla_hours ?? deps.config.FOLLOWUP_DEFAULT_SLA_HOURS;
  const created = await insertCase(trx, {
    workspaceId: row.workspace_id,
    surveyId: row.survey_id,
    responseId: row.id,
    contactId: row.contact_id,
    ruleId: rule?.id ?? null,
    ownerEmail: rule?.owner_email ?? null,
    ownerName: rule?.owner_name ?? null,
    score: row.score,
    dueAt: new Date(now.getTime() + slaHours * 3_600_000),
    now,
  });
  if (!created) {
    return;
  }
  await emit(
    trx,
    row.workspace_id,
    'followup.created',
    {
      id: created.id,
      responseId: row.id,
      surveyId: row.survey_id,
      score: row.score,
      status: created.status,
      owner: created.owner_email ? { email: created.owner_email, name: created.owner_name } : null,
      dueAt: created.due_at.toISOString(),
    },
    now,
    jobs,
  );
  if (created.owner_email) {
    jobs.push({ queue: 'followup-alert', caseId: created.id, workspaceId: row.workspace_id });
  }
}

/**
 * What follows a change to a response, inside the same transaction: `response.created` the
 * first time it counts, `response.updated` after that, and a follow-up case for a low score.
 * Provisional and flagged responses announce nothing and open no case.
 */
export async function applyResponseEffects(
  trx: Kysely<Database>,
  deps: EffectDeps,
  kind: SurveyKind,
  before: ResponseRow | undefined,
  after: ResponseRow,
): Promise<PendingJob[]> {
  const jobs: PendingJob[] = [];
  const now = deps.clock.now();
  let row = after;
  if (countsInScores(row) && row.announced_at === null) {
    row = await updateResponse(trx, row.workspace_id, row.id, { announced_at: now });
    await emit(
      trx,
      row.workspace_id,
      'response.created',
      toResponseDto({ ...row, survey_kind: kind }),
      now,
      jobs,
    );
    await emitDelighted(trx, deps, 'survey_response.created', kind, row, now, jobs);
  } else if (row.announced_at !== null && changed(before, row)) {
    await emit(
      trx,
      row.workspace_id,
      'response.updated',
      toResponseDto({ ...row, survey_kind: kind }),
      now,
      jobs,
    );
    await emitDelighted(trx, deps, 'survey_response.updated', kind, row, now, jobs);
  }
  if (countsInScores(row) && isLowScore(kind, row.score)) {
    await openCase(trx, deps, row, now, jobs);
  }
  return jobs;
}

/**
 * Hands committed work to BullMQ. If Redis is away the rows stay pending and the
 * `sweep-collector` maintenance task enqueues them later, so nothing is lost.
 */
export async function enqueuePendingJobs(
  deps: { db: Kysely<Database>; queues: Queues; clock: Clock; logger?: Logger },
  jobs: PendingJob[],
  opts: { webhookAttempts: number; webhookBackoffMs: number },
): Promise<void> {
  const delivered: string[] = [];
  for (const job of jobs) {
    try {
      if (job.queue === 'webhook-delivery') {
        await deps.queues.add(
          'webhook-delivery',
          { deliveryId: job.deliveryId, workspaceId: job.workspaceId },
          {
            jobId: webhookDeliveryJobId(job.deliveryId),
            attempts: opts.webhookAttempts,
            backoff: { type: 'exponential', delay: opts.webhookBackoffMs, jitter: 0.5 },
          },
        );
        delivered.push(job.deliveryId);
      } else {
        await deps.queues.add(
          'followup-alert',
          { caseId: job.caseId, workspaceId: job.workspaceId },
          {
            jobId: followupAlertJobId(job.caseId),
            attempts: 5,
            backoff: { type: 'exponential', delay: 10_000, jitter: 0.5 },
          },
        );
      }
    } catch (err) {
      deps.logger?.warn(
        { queue: job.queue, err: err instanceof Error ? err.message : String(err) },
        'enqueue failed; the sweep will retry',
      );
    }
  }
  await markDeliveriesEnqueued(deps.db, delivered, deps.clock.now());
}
