import type { Kysely } from 'kysely';
import type { BounceProvider, Database } from '../../db/schema';

export async function upsertBounceSource(
  db: Kysely<Database>,
  row: {
    workspaceId: string;
    provider: BounceProvider;
    secret: string | null;
    topicArn: string | null;
    now: Date;
  },
) {
  return db
    .insertInto('bounce_sources')
    .values({
      workspace_id: row.workspaceId,
      provider: row.provider,
      secret: row.secret,
      topic_arn: row.topicArn,
      created_at: row.now,
      updated_at: row.now,
    })
    .onConflict((oc) =>
      oc.columns(['workspace_id', 'provider']).doUpdateSet({
        secret: row.secret,
        topic_arn: row.topicArn,
        updated_at: row.now,
      }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findBounceSources(db: Kysely<Database>, workspaceId: string) {
  return db
    .selectFrom('bounce_sources')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('provider')
    .execute();
}

export async function deleteBounceSource(
  db: Kysely<Database>,
  workspaceId: string,
  provider: BounceProvider,
): Promise<boolean> {
  const result = await db
    .deleteFrom('bounce_sources')
    .where('workspace_id', '=', workspaceId)
    .where('provider', '=', provider)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** The source an inbound call names by its URL; the provider must match too. */
export async function findBounceSourceForIntake(
  db: Kysely<Database>,
  provider: BounceProvider,
  sourceId: string,
) {
  return db
    .selectFrom('bounce_sources')
    .selectAll()
    .where('id', '=', sourceId)
    .where('provider', '=', provider)
    .executeTakeFirst();
}

/** Records a provider event once; false when its id was seen before. */
export async function insertBounceEvent(
  db: Kysely<Database>,
  row: {
    workspaceId: string;
    provider: BounceProvider;
    eventId: string;
    kind: 'bounce' | 'complaint';
    detail: string;
    recipients: number;
    now: Date;
  },
): Promise<boolean> {
  const inserted = await db
    .insertInto('bounce_events')
    .values({
      workspace_id: row.workspaceId,
      provider: row.provider,
      provider_event_id: row.eventId,
      kind: row.kind,
      detail: row.detail,
      recipients: row.recipients,
      created_at: row.now,
    })
    .onConflict((oc) => oc.columns(['workspace_id', 'provider', 'provider_event_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}
