import type { Kysely } from 'kysely';
import type { Database, HelpdeskProvider } from '../../db/schema';

export async function upsertHelpdeskSource(
  db: Kysely<Database>,
  row: {
    workspaceId: string;
    provider: HelpdeskProvider;
    secret: string;
    eventType: string;
    now: Date;
  },
) {
  return db
    .insertInto('helpdesk_sources')
    .values({
      workspace_id: row.workspaceId,
      provider: row.provider,
      secret: row.secret,
      event_type: row.eventType,
      created_at: row.now,
      updated_at: row.now,
    })
    .onConflict((oc) =>
      oc.columns(['workspace_id', 'provider']).doUpdateSet({
        secret: row.secret,
        event_type: row.eventType,
        updated_at: row.now,
      }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findHelpdeskSources(db: Kysely<Database>, workspaceId: string) {
  return db
    .selectFrom('helpdesk_sources')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('provider')
    .execute();
}

export async function deleteHelpdeskSource(
  db: Kysely<Database>,
  workspaceId: string,
  provider: HelpdeskProvider,
): Promise<boolean> {
  const result = await db
    .deleteFrom('helpdesk_sources')
    .where('workspace_id', '=', workspaceId)
    .where('provider', '=', provider)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** The source an inbound call names by its URL; the provider must match too. */
export async function findHelpdeskSourceForIntake(
  db: Kysely<Database>,
  provider: HelpdeskProvider,
  sourceId: string,
) {
  return db
    .selectFrom('helpdesk_sources')
    .selectAll()
    .where('id', '=', sourceId)
    .where('provider', '=', provider)
    .executeTakeFirst();
}
