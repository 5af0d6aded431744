import { sql } from 'kysely';
import type { Kysely } from 'kysely';

// NOTE: migrations are frozen in time: they never import from src/ or db/schema.

/**
 * Helpdesks that report solved tickets (Zendesk, Chatwoot, Zammad, Freshdesk, Intercom, HubSpot,
 * FreeScout). One source per workspace and provider holds what checks the helpdesk's calls
 * (sealed) and the event type each solved ticket becomes. A repeated call is recognised by the
 * event's idempotency key (`<provider>-<ticket id>`), so no table of seen ids is needed here.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('helpdesk_sources')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('workspace_id', 'uuid', (c) =>
      c.notNull().references('workspaces.id').onDelete('cascade'),
    )
    .addColumn('provider', 'text', (c) =>
      c
        .notNull()
        .check(
          sql`provider in ('zendesk', 'chatwoot', 'zammad', 'freshdesk', 'intercom', 'hubspot', 'freescout')`,
        ),
    )
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('event_type', 'text', (c) => c.notNull().defaultTo('ticket.solved'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('helpdesk_sources_workspace_id_provider_key', ['workspace_id', 'provider'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('helpdesk_sources').ifExists().execute();
}
