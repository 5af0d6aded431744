import { sql } from 'kysely';
import type { Kysely } from 'kysely';

// NOTE: migrations are frozen in time: they never import from src/ or db/schema.

/**
 * Metric alerts: a rule watches one survey's score (below a threshold, or a significant drop
 * against the previous window) or its response volume (below a control limit), and an
 * episode row records each stretch of time the rule was firing. At most one episode per rule
 * is open, so a rule alerts once per episode and says "back to normal" once when it closes.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('metric_alert_rules')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('workspace_id', 'uuid', (c) =>
      c.notNull().references('workspaces.id').onDelete('cascade'),
    )
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('survey_id', 'uuid', (c) => c.notNull().references('surveys.id').onDelete('cascade'))
    .addColumn('condition', 'text', (c) =>
      c.notNull().check(sql`condition in ('below_threshold', 'significant_drop', 'low_volume')`),
    )
    .addColumn('window_days', 'integer', (c) => c.notNull())
    .addColumn('threshold', 'double precision')
    .addColumn('min_responses', 'integer', (c) => c.notNull().defaultTo(30))
    .addColumn('alpha', 'double precision', (c) => c.notNull().defaultTo(0.05))
    .addColumn('baseline_weeks', 'integer', (c) => c.notNull().defaultTo(8))
    .addColumn('same_weekday', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('limit_method', 'text', (c) =>
      c
        .notNull()
        .defaultTo('sigma')
        .check(sql`limit_method in ('sigma', 'poisson')`),
    )
    .addColumn('channel', 'text', (c) => c.notNull().check(sql`channel in ('email', 'chat')`))
    .addColumn('email', 'text')
    .addColumn('chat_alert_rule_id', 'uuid', (c) =>
      c.references('chat_alert_rules.id').onDelete('set null'),
    )
    .addColumn('last_evaluated_at', 'timestamptz')
    .addColumn('last_result', 'jsonb')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('metric_alert_rules_workspace_id_idx')
    .on('metric_alert_rules')
    .column('workspace_id')
    .execute();

  await db.schema
    .createTable('metric_alert_episodes')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('workspace_id', 'uuid', (c) =>
      c.notNull().references('workspaces.id').onDelete('cascade'),
    )
    .addColumn('rule_id', 'uuid', (c) =>
      c.notNull().references('metric_alert_rules.id').onDelete('cascade'),
    )
    .addColumn('opened_at', 'timestamptz', (c) => c.notNull())
    .addColumn('opened_detail', 'jsonb', (c) => c.notNull())
    .addColumn('closed_at', 'timestamptz')
    .addColumn('closed_detail', 'jsonb')
    // Email is sent after the state change commits; null means still to send (retried next tick).
    .addColumn('alert_sent_at', 'timestamptz')
    .addColumn('recovery_sent_at', 'timestamptz')
    .execute();
  // The episode state: one open episode per rule at most.
  await sql`create unique index metric_alert_episodes_rule_id_open_key
    on metric_alert_episodes (rule_id) where closed_at is null`.execute(db);
  await db.schema
    .createIndex('metric_alert_episodes_rule_id_opened_at_idx')
    .on('metric_alert_episodes')
    .columns(['rule_id', 'opened_at'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('metric_alert_episodes').ifExists().execute();
  await db.schema.dropTable('metric_alert_rules').ifExists().execute();
}
