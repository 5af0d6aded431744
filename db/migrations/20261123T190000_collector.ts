import { sql } from 'kysely';
import type { Kysely } from 'kysely';

// NOTE: migrations are frozen in time: they never import from src/ or db/schema.

/**
 * Collector (issue 4): provisional/counted/flagged responses, link-fetch log for scanner
 * detection, webhooks with a delivery log, and follow-up cases for the closed loop.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('responses')
    // Existing rows (and imports) count; link fetches start provisional from now on.
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('counted')
        .check(sql`status in ('provisional', 'counted')`),
    )
    .addColumn('confirmed_at', 'timestamptz')
    .addColumn('confirmed_via', 'text')
    .addColumn('flagged', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('flag_reason', 'text')
    .addColumn('flagged_at', 'timestamptz')
    .addColumn('reviewed_at', 'timestamptz')
    .addColumn('last_link_score', 'integer')
    .addColumn('last_link_at', 'timestamptz')
    .addColumn('external_id', 'text')
    // When response.created was announced (webhooks, follow-up); null until it first counts.
    .addColumn('announced_at', 'timestamptz')
    .execute();
  await sql`create unique index responses_workspace_id_external_id_key on responses (workspace_id, external_id) where external_id is not null`.execute(
    db,
  );
  await db.schema
    .createIndex('responses_workspace_id_created_at_id_idx')
    .on('responses')
    .columns(['workspace_id', 'created_at', 'id'])
    .execute();

  // NOTE: the one definition of "a response that counts"; metrics and rollups read this view.
  await sql`
    create view counted_responses as
      select id, workspace_id, survey_id, invitation_id, contact_id, score, comment, locale,
             segment, source, created_at, updated_at
      from responses
      where status = 'counted' and not flagged
  `.execute(db);

  await db.schema
    .createTable('link_fetches')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('workspace_id', 'uuid', (c) =>
      c.notNull().references('workspaces.id').onDelete('cascade'),
    )
    .addColumn('invitation_id', 'uuid', (c) =>
      c.notNull().references('invitations.id').onDelete('cascade'),
    )
    .addColumn('kind', 'text', (c) =>
      c.notNull().check(sql`kind in ('score', 'honeypot', 'page', 'form')`),
    )
    .addColumn('score', 'integer')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('link_fetches_invitation_id_created_at_idx')
    .on('link_fetches')
    .columns(['invitation_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('webhooks')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('workspace_id', 'uuid', (c) =>
      c.notNull().references('workspaces.id').onDelete('cascade'),
    )
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('events', 'jsonb', (c) => c.notNull())
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('webhooks_workspace_id_idx')
    .on('webhooks')
    .column('workspace_id')
    .execute();

  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('workspace_id', 'uuid', (c) =>
      c.notNull().references('workspaces.id').onDelete('cascade'),
    )
    .addColumn('webhook_id', 'uuid', (c) =>
      c.notNull().references('webhooks.id').onDelete('cascade'),
    )
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('pending')
        .check(sql`status in ('pending', 'succeeded', 'failed')`),
    )
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_status_code', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('replay_of', 'uuid')
    .addColumn('enqueued_at', 'timestamptz')
    .addColumn('delivered_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('webhook_deliveries_webhook_id_created_at_idx')
    .on('webhook_deliveries')
    .columns(['webhook_id', 'created_at'])
    .execute();
  await sql`create index webhook_deliveries_pending_idx on webhook_deliveries (created_at) where status = 'pending'`.execute(
    db,
  );

  await db.schema
    .createTable('followup_rules')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('workspace_id', 'uuid', (c) =>
      c.notNull().references('workspaces.id').onDelete('cascade'),
    )
    .addColumn('property', 'text')
    .addColumn('value', 'text')
    .addColumn('owner_email', 'text', (c) => c.notNull())
    .addColumn('owner_name', 'text')
    .addColumn('sla_hours', 'integer', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('followup_rules_workspace_id_position_idx')
    .on('followup_rules')
    .columns(['workspace_id', 'position'])
    .execute();

  await db.schema
    .createTable('followup_cases')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('workspace_id', 'uuid', (c) =>
      c.notNull().references('workspaces.id').onDelete('cascade'),
    )
    .addColumn('survey_id', 'uuid', (c) => c.notNull().references('surveys.id').onDelete('cascade'))
    .addColumn('response_id', 'uuid', (c) =>
      c.notNull().unique().references('responses.id').onDelete('cascade'),
    )
    .addColumn('contact_id', 'uuid', (c) => c.references('contacts.id').onDelete('set null'))
    .addColumn('rule_id', 'uuid', (c) => c.references('followup_rules.id').onDelete('set null'))
    .addColumn('owner_email', 'text')
    .addColumn('owner_name', 'text')
    .addColumn('score', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('open')
        .check(sql`status in ('open', 'contacted', 'resolved')`),
    )
    .addColumn('due_at', 'timestamptz', (c) => c.notNull())
    .addColumn('contacted_at', 'timestamptz')
    .addColumn('resolved_at', 'timestamptz')
    .addColumn('alert_sent_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('followup_cases_workspace_id_created_at_id_idx')
    .on('followup_cases')
    .columns(['workspace_id', 'created_at', 'id'])
    .execute();

  await db.schema
    .createTable('followup_notes')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('workspace_id', 'uuid', (c) =>
      c.notNull().references('workspaces.id').onDelete('cascade'),
    )
    .addColumn('case_id', 'uuid', (c) =>
      c.notNull().references('followup_cases.id').onDelete('cascade'),
    )
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('author_key_id', 'uuid')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('followup_notes_case_id_created_at_idx')
    .on('followup_notes')
    .columns(['case_id', 'created_at'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'followup_notes',
    'followup_cases',
    'followup_rules',
    'webhook_deliveries',
    'webhooks',
    'link_fetches',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
  await sql`drop view if exists counted_responses`.execute(db);
  await sql`drop index if exists responses_workspace_id_external_id_key`.execute(db);
  await sql`drop index if exists responses_workspace_id_created_at_id_idx`.execute(db);
  await db.schema
    .alterTable('responses')
    .dropColumn('status')
    .dropColumn('confirmed_at')
    .dropColumn('confirmed_via')
    .dropColumn('flagged')
    .dropColumn('flag_reason')
    .dropColumn('flagged_at')
    .dropColumn('reviewed_at')
    .dropColumn('last_link_score')
    .dropColumn('last_link_at')
    .dropColumn('external_id')
    .dropColumn('announced_at')
    .execute();
}
