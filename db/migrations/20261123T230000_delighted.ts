import { sql } from 'kysely';
import type { Kysely } from 'kysely';

// NOTE: migrations are frozen in time: they never import from src/ or db/schema.

/**
 * Delighted-compatible /v1 API (issue 8): phone numbers on contacts, the workspace's default
 * survey for Delighted survey requests, per-invitation text overrides (Delighted's special
 * properties), the webhook payload format, and Autopilot (recurring surveys per person).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('contacts').addColumn('phone_number', 'text').execute();
  await sql`create unique index contacts_workspace_id_phone_number_key
    on contacts (workspace_id, phone_number) where phone_number is not null`.execute(db);

  await db.schema
    .alterTable('workspaces')
    .addColumn('delighted_survey_id', 'uuid', (c) =>
      c.references('surveys.id').onDelete('set null'),
    )
    .execute();

  // Keys as in a survey's per-locale texts (emailSubject, emailIntro, thankYouBody) plus company.
  await db.schema.alterTable('invitations').addColumn('text_overrides', 'jsonb').execute();

  await db.schema
    .alterTable('webhooks')
    .addColumn('format', 'text', (c) =>
      c
        .notNull()
        .defaultTo('glas')
        .check(sql`format in ('glas', 'delighted')`),
    )
    .execute();

  await db.schema
    .createTable('autopilot_configurations')
    .addColumn('workspace_id', 'uuid', (c) =>
      c.notNull().references('workspaces.id').onDelete('cascade'),
    )
    .addColumn('platform', 'text', (c) => c.notNull().check(sql`platform in ('email', 'sms')`))
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('frequency_seconds', 'integer', (c) =>
      c
        .notNull()
        .defaultTo(7_776_000)
        .check(sql`frequency_seconds >= 86400`),
    )
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('autopilot_configurations_pkey', ['workspace_id', 'platform'])
    .execute();

  await db.schema
    .createTable('autopilot_memberships')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('workspace_id', 'uuid', (c) =>
      c.notNull().references('workspaces.id').onDelete('cascade'),
    )
    .addColumn('platform', 'text', (c) => c.notNull().check(sql`platform in ('email', 'sms')`))
    .addColumn('contact_id', 'uuid', (c) =>
      c.notNull().references('contacts.id').onDelete('cascade'),
    )
    .addColumn('properties', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('next_survey_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_invitation_id', 'uuid', (c) =>
      c.references('invitations.id').onDelete('set null'),
    )
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('autopilot_memberships_workspace_id_platform_contact_id_key', [
      'workspace_id',
      'platform',
      'contact_id',
    ])
    .execute();
  await db.schema
    .createIndex('autopilot_memberships_next_survey_at_idx')
    .on('autopilot_memberships')
    .columns(['next_survey_at'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('autopilot_memberships').execute();
  await db.schema.dropTable('autopilot_configurations').execute();
  await db.schema.alterTable('webhooks').dropColumn('format').execute();
  await db.schema.alterTable('invitations').dropColumn('text_overrides').execute();
  await db.schema.alterTable('workspaces').dropColumn('delighted_survey_id').execute();
  await db.schema.alterTable('contacts').dropColumn('phone_number').execute();
}
