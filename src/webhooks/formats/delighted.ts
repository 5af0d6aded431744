import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database, JsonObject, Response, SurveyKind, WebhookEvent } from '../../../db/schema';
import { insertDeliveriesForEvent } from '../webhook.repository';
import { toDelightedAnswers } from '../../surveys/questions';
import type { StoredAnswer } from '../../surveys/questions';

/** Events a webhook in Delighted's format can subscribe to, as Delighted names them. */
export const DELIGHTED_EVENTS = [
  'survey_response.created',
  'survey_response.updated',
  'unsubscribe.created',
] as const;

const unix = (d: Date | null | undefined) => (d ? Math.floor(d.getTime() / 1000) : null);

async function personOf(db: Kysely<Database>, workspaceId: string, contactId: string | null) {
  if (!contactId) {
    return null;
  }
  const c = await db
    .selectFrom('contacts')
    .select(['id', 'email', 'name', 'phone_number', 'created_at'])
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', contactId)
    .executeTakeFirst();
  return c
    ? {
        id: c.id,
        email: c.email,
        name: c.name,
        phone_number: c.phone_number,
        created_at: unix(c.created_at),
      }
    : null;
}

/**
 * Queues `survey_response.created|updated` for the workspace's Delighted-format webhooks:
 * the body's `event_data` is a survey response with the person expanded. Returns delivery ids.
 */
export async function emitDelightedResponseEvent(
  trx: Kysely<Database>,
  event: 'survey_response.created' | 'survey_response.updated',
  kind: SurveyKind,
  row: Response,
  publicUrl: string,
  now: Date,
  answers?: StoredAnswer[],
): Promise<string[]> {
  if (!(await hasSubscriber(trx, row.workspace_id, event))) {
    return [];
  }
  const data: JsonObject = {
    id: row.id,
    person: await personOf(trx, row.workspace_id, row.contact_id),
    survey_type: kind,
    score: row.score,
    comment: row.comment,
    permalink: `${publicUrl}/api/responses/${row.id}`,
    created_at: unix(row.created_at),
    updated_at: unix(row.updated_at),
    person_properties: row.segment,
    notes: [],
    tags: [],
    additional_answers: toDelightedAnswers(row.id, answers),
  };
  return insertDeliveriesForEvent(
    trx,
    row.workspace_id,
    event,
    { event_type: event, event_data: data },
    now,
  );
}

/** Queues `unsubscribe.created` for the workspace's Delighted-format webhooks. */
export async function emitDelightedUnsubscribe(
  trx: Kysely<Database>,
  workspaceId: string,
  contactId: string,
  now: Date,
): Promise<string[]> {
  if (!(await hasSubscriber(trx, workspaceId, 'unsubscribe.created'))) {
    return [];
  }
  const person = await personOf(trx, workspaceId, contactId);
  return insertDeliveriesForEvent(
    trx,
    workspaceId,
    'unsubscribe.created',
    { event_type: 'unsubscribe.created', event_data: { person, unsubscribed_at: unix(now) } },
    now,
  );
}

async function hasSubscriber(db: Kysely<Database>, workspaceId: string, event: WebhookEvent) {
  const row = await db
    .selectFrom('webhooks')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('format', '=', 'delighted')
    .where(sql<boolean>`events ? ${event}`)
    .limit(1)
    .executeTakeFirst();
  return !!row;
}

/** The body Delighted's receivers expect; `event_id` stays the same when a delivery is replayed. */
export function delightedBody(deliveryId: string, replayOf: string | null, payload: JsonObject) {
  return {
    event_type: payload.event_type,
    event_id: replayOf ?? deliveryId,
    event_data: payload.event_data,
  };
}
