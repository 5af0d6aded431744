import type { Kysely } from 'kysely';
import type { Database, Response, SurveyKind } from '../../db/schema';
import { emitDelightedResponseEvent, emitDelightedUnsubscribe } from './formats/delighted';
import { insertDeliveriesForEvent } from './webhook.repository';
import type { StoredAnswer } from '../surveys/questions';

/**
 * The one way the domain tells webhooks that something happened. Each call runs inside the
 * caller's transaction and writes, per subscribed webhook, a delivery and its outbox row: the
 * event is announced exactly when the change commits, and the relay enqueues it later. Every
 * output format is chosen here, so the core never knows Delighted's shapes.
 */

/** A Glas-format event (`response.*`, `followup.created`) for the workspace's Glas webhooks. */
export async function publishEvent(
  trx: Kysely<Database>,
  workspaceId: string,
  event: 'response.created' | 'response.updated' | 'followup.created',
  data: object,
  now: Date,
): Promise<void> {
  const payload = { event, createdAt: now.toISOString(), data };
  await insertDeliveriesForEvent(trx, workspaceId, event, payload, now);
}

/** A response that now counts (`created`) or changed after it did (`updated`), in every format. */
export async function publishResponseChange(
  trx: Kysely<Database>,
  change: 'created' | 'updated',
  response: {
    row: Response;
    kind: SurveyKind;
    dto: object;
    /** The additional answers; undefined when the change did not read them. */
    answers?: StoredAnswer[] | undefined;
  },
  publicUrl: string,
  now: Date,
): Promise<void> {
  const { row, kind, dto } = response;
  await publishEvent(trx, row.workspace_id, `response.${change}`, dto, now);
  await emitDelightedResponseEvent(
    trx,
    `survey_response.${change}`,
    kind,
    row,
    publicUrl,
    now,
    response.answers,
  );
}

/** A person unsubscribed (survey page, one-click header or API). Only Delighted's format has it. */
export async function publishUnsubscribe(
  trx: Kysely<Database>,
  workspaceId: string,
  contactId: string,
  now: Date,
): Promise<void> {
  await emitDelightedUnsubscribe(trx, workspaceId, contactId, now);
}
