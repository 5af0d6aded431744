import { sql } from 'kysely';
import type { Kysely } from 'kysely';

// NOTE: migrations are frozen in time: they never import from src/ or db/schema.

/**
 * Mail providers that report bounces and complaints after the SMTP conversation (Postmark,
 * Mailgun, SendGrid, Amazon SES through SNS). One source per workspace and provider holds what
 * checks the provider's calls (sealed), and each acted-on provider event is kept once by the
 * provider's own id, so a retried call never counts twice.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('bounce_sources')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('workspace_id', 'uuid', (c) =>
      c.notNull().references('workspaces.id').onDelete('cascade'),
    )
    .addColumn('provider', 'text', (c) =>
      c.notNull().check(sql`provider in ('postmark', 'mailgun', 'sendgrid', 'ses')`),
    )
    .addColumn('secret', 'text')
    .addColumn('topic_arn', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('bounce_sources_workspace_id_provider_key', ['workspace_id', 'provider'])
    .execute();

  await db.schema
    .createTable('bounce_events')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('workspace_id', 'uuid', (c) =>
      c.notNull().references('workspaces.id').onDelete('cascade'),
    )
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('provider_event_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('bounce', 'complaint')`))
    .addColumn('detail', 'text', (c) => c.notNull())
    .addColumn('recipients', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('bounce_events_workspace_id_provider_provider_event_id_key', [
      'workspace_id',
      'provider',
      'provider_event_id',
    ])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('bounce_events').ifExists().execute();
  await db.schema.dropTable('bounce_sources').ifExists().execute();
}
