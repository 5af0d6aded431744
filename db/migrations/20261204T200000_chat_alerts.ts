import { sql } from 'kysely';
import type { Kysely } from 'kysely';

// NOTE: migrations are frozen in time: they never import from src/ or db/schema.

/**
 * Slack and Microsoft Teams alerts through incoming webhooks: rules per workspace (which
 * surveys, which score band, only with a comment, segment values) and a delivery log. The
 * webhook URL is the credential, so it is stored sealed like webhook signing secrets.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('chat_alert_rules')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('workspace_id', 'uuid', (c) =>
      c.notNull().references('workspaces.id').onDelete('cascade'),
    )
    .addColumn('platform', 'text', (c) => c.notNull().check(sql`platform in ('slack', 'teams')`))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('url_hint', 'text', (c) => c.notNull())
    .addColumn('survey_ids', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('min_score', 'integer')
    .addColumn('max_score', 'integer')
    .addColumn('only_with_comment', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('segment', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('chat_alert_rules_workspace_id_idx')
    .on('chat_alert_rules')
    .column('workspace_id')
    .execute();

  await db.schema
    .createTable('chat_alert_deliveries')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('workspace_id', 'uuid', (c) =>
      c.notNull().references('workspaces.id').onDelete('cascade'),
    )
    .addColumn('rule_id', 'uuid', (c) =>
      c.notNull().references('chat_alert_rules.id').onDelete('cascade'),
    )
    .addColumn('response_id', 'uuid', (c) => c.references('responses.id').onDelete('set null'))
    .addColumn('is_test', 'boolean', (c) => c.notNull().defaultTo(false))
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
    .addColumn('delivered_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // One alert per rule and response, however often the response's effects run.
  await sql`create unique index chat_alert_deliveries_rule_id_response_id_key
    on chat_alert_deliveries (rule_id, response_id) where not is_test`.execute(db);
  await db.schema
    .createIndex('chat_alert_deliveries_rule_id_created_at_idx')
    .on('chat_alert_deliveries')
    .columns(['rule_id', 'created_at'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`delete from outbox where topic = 'chat-alert'`.execute(db);
  await db.schema.dropTable('chat_alert_deliveries').ifExists().execute();
  await db.schema.dropTable('chat_alert_rules').ifExists().execute();
}
