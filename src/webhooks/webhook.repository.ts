import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database, JsonObject, WebhookEvent, WebhookFormat } from '../../db/schema';
import type { OutboxTopic } from '../../db/schema/outbox';
import { afterCursor } from '../platform/cursor';

export async function insertWebhook(
  db: Kysely<Database>,
  values: {
    workspaceId: string;
    url: string;
    events: WebhookEvent[];
    secret: string;
    description: string | null;
    format?: WebhookFormat;
    now: Date;
  },
) {
  return db
    .insertInto('webhooks')
    .values({
      workspace_id: values.workspaceId,
      url: values.url,
      events: JSON.stringify(values.events),
      secret: values.secret,
      description: values.description,
      format: values.format ?? 'glas',
      created_at: values.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findWebhooks(db: Kysely<Database>, workspaceId: string) {
  return db
    .selectFrom('webhooks')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export async function findWebhookById(db: Kysely<Database>, workspaceId: string, id: string) {
  return db
    .selectFrom('webhooks')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function deleteWebhookById(
  db: Kysely<Database>,
  workspaceId: string,
  id: string,
): Promise<boolean> {
  const result = await db
    .deleteFrom('webhooks')
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/**
 * One delivery per webhook of the workspace subscribed to `event`, each with its outbox row for
 * the relay, in one statement inside the caller's transaction. Returns the delivery ids.
 */
export async function insertDeliveriesForEvent(
  db: Kysely<Database>,
  workspaceId: string,
  event: WebhookEvent,
  payload: JsonObject,
  now: Date,
): Promise<string[]> {
  const rows = await db
    .with('d', (qb) =>
      qb
        .insertInto('webhook_deliveries')
        .columns(['workspace_id', 'webhook_id', 'event', 'payload', 'created_at', 'updated_at'])
        .expression((eb) =>
          eb
            .selectFrom('webhooks')
            .select([
              'workspace_id',
              'id',
              sql<string>`${event}`.as('event'),
              sql<string>`${JSON.stringify(payload)}::jsonb`.as('payload'),
              sql<Date>`${now}::timestamptz`.as('created_at'),
              sql<Date>`${now}::timestamptz`.as('updated_at'),
            ])
            .where('workspace_id', '=', workspaceId)
            .where(sql<boolean>`events ? ${event}`),
        )
        .returning(['id', 'workspace_id']),
    )
    .insertInto('outbox')
    .columns(['workspace_id', 'topic', 'aggregate_id', 'available_at', 'created_at'])
    .expression((eb) =>
      eb
        .selectFrom('d')
        .select([
          'd.workspace_id',
          sql<OutboxTopic>`'webhook-delivery'`.as('topic'),
          'd.id',
          sql<Date>`${now}::timestamptz`.as('available_at'),
          sql<Date>`${now}::timestamptz`.as('created_at'),
        ]),
    )
    .returning('aggregate_id')
    .execute();
  return rows.map((r) => r.aggregate_id);
}

/** A new delivery of an old one's event (same `event_id` for Delighted), with its outbox row. */
export async function insertReplayDelivery(
  db: Kysely<Database>,
  workspaceId: string,
  originalId: string,
  now: Date,
) {
  return db.transaction().execute(async (trx) => {
    const replay = await trx
      .insertInto('webhook_deliveries')
      .columns([
        'workspace_id',
        'webhook_id',
        'event',
        'payload',
        'replay_of',
        'created_at',
        'updated_at',
      ])
      .expression((eb) =>
        eb
          .selectFrom('webhook_deliveries')
          .select([
            'workspace_id',
            'webhook_id',
            'event',
            'payload',
            'id',
            sql<Date>`${now}::timestamptz`.as('created_at'),
            sql<Date>`${now}::timestamptz`.as('updated_at'),
          ])
          .where('workspace_id', '=', workspaceId)
          .where('id', '=', originalId),
      )
      .returningAll()
      .executeTakeFirst();
    if (replay) {
      await trx
        .insertInto('outbox')
        .values({
          workspace_id: workspaceId,
          topic: 'webhook-delivery',
          aggregate_id: replay.id,
          available_at: now,
          created_at: now,
        })
        .execute();
    }
    return replay;
  });
}

/** A delivery with what is needed to send it. */
export async function findDeliveryForSend(db: Kysely<Database>, workspaceId: string, id: string) {
  return db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhooks as w', 'w.id', 'd.webhook_id')
    .selectAll('d')
    .select(['w.url', 'w.secret', 'w.format'])
    .where('d.workspace_id', '=', workspaceId)
    .where('d.id', '=', id)
    .executeTakeFirst();
}

export async function findDelivery(
  db: Kysely<Database>,
  workspaceId: string,
  webhookId: string,
  id: string,
) {
  return db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('webhook_id', '=', webhookId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function findDeliveries(
  db: Kysely<Database>,
  workspaceId: string,
  webhookId: string,
  limit: number,
  cursor?: { createdAt: Date; id: string },
) {
  let q = db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('webhook_id', '=', webhookId);
  if (cursor) {
    q = q.where(afterCursor(cursor));
  }
  return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

export async function recordDeliveryAttempt(
  db: Kysely<Database>,
  id: string,
  result: {
    status: 'pending' | 'succeeded' | 'failed';
    statusCode: number | null;
    error: string | null;
    now: Date;
  },
): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set((eb) => ({
      status: result.status,
      attempts: eb('attempts', '+', 1),
      last_status_code: result.statusCode,
      last_error: result.error,
      updated_at: result.now,
      ...(result.status === 'succeeded' ? { delivered_at: result.now } : {}),
    }))
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .execute();
}
