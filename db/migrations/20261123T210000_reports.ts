import { sql } from 'kysely';
import type { Kysely } from 'kysely';

// NOTE: migrations are frozen in time: they never import from src/ or db/schema.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('workspaces')
    .addColumn('executive_recipients', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('manager_recipients', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('monthly_report_day', 'integer', (c) =>
      c
        .notNull()
        .defaultTo(1)
        .check(sql`monthly_report_day between 1 and 28`),
    )
    .addColumn('weekly_report_weekday', 'integer', (c) =>
      c
        .notNull()
        .defaultTo(1)
        .check(sql`weekly_report_weekday between 1 and 7`),
    )
    .addColumn('report_hour', 'integer', (c) =>
      c
        .notNull()
        .defaultTo(7)
        .check(sql`report_hour between 0 and 23`),
    )
    .execute();

  // One report per (workspace, kind, period): concurrent generators insert, one wins.
  await db.schema
    .createTable('reports')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('workspace_id', 'uuid', (c) =>
      c.notNull().references('workspaces.id').onDelete('cascade'),
    )
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('monthly', 'weekly')`))
    // NOTE: local calendar dates kept as ISO text: node-pg would turn a date into a host-zone Date.
    .addColumn('period_start', 'text', (c) =>
      c.notNull().check(sql`period_start ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'`),
    )
    .addColumn('period_end', 'text', (c) =>
      c.notNull().check(sql`period_end ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'`),
    )
    .addColumn('trigger', 'text', (c) => c.notNull().check(sql`trigger in ('schedule', 'api')`))
    .addColumn('content', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('reports_workspace_id_kind_period_start_key', [
      'workspace_id',
      'kind',
      'period_start',
    ])
    .execute();
  await db.schema
    .createIndex('reports_workspace_id_created_at_idx')
    .on('reports')
    .columns(['workspace_id', 'created_at'])
    .execute();

  // One email per (report, recipient): the row is claimed before the send, so a rerun skips it.
  await db.schema
    .createTable('report_deliveries')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('workspace_id', 'uuid', (c) =>
      c.notNull().references('workspaces.id').onDelete('cascade'),
    )
    .addColumn('report_id', 'uuid', (c) => c.notNull().references('reports.id').onDelete('cascade'))
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('claimed', 'sent', 'failed')`),
    )
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('message_id', 'text')
    .addColumn('last_error', 'text')
    .addColumn('claimed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('sent_at', 'timestamptz')
    .addUniqueConstraint('report_deliveries_report_id_recipient_key', ['report_id', 'recipient'])
    .execute();

  // Watchdog: when each job scheduler last fired (readiness fails after 3 missed intervals).
  await db.schema
    .createTable('schedule_runs')
    .addColumn('schedule_id', 'text', (c) => c.primaryKey())
    .addColumn('interval_seconds', 'integer', (c) => c.notNull())
    .addColumn('registered_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_run_at', 'timestamptz')
    .execute();

  await db.schema
    .createTable('improvement_actions')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('workspace_id', 'uuid', (c) =>
      c.notNull().references('workspaces.id').onDelete('cascade'),
    )
    .addColumn('survey_id', 'uuid', (c) => c.notNull().references('surveys.id').onDelete('cascade'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('owner_name', 'text')
    .addColumn('owner_email', 'text')
    .addColumn('due_date', 'text', (c) => c.check(sql`due_date ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'`))
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('open', 'in_progress', 'done', 'dropped')`),
    )
    .addColumn('target_type', 'text', (c) =>
      c.notNull().check(sql`target_type in ('survey', 'segment', 'theme')`),
    )
    .addColumn('segment_property', 'text')
    .addColumn('segment_value', 'text')
    .addColumn('theme_key', 'text')
    .addColumn('source_report_id', 'uuid', (c) => c.references('reports.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addCheckConstraint(
      'improvement_actions_target_check',
      sql`(target_type = 'segment') = (segment_property is not null and segment_value is not null)
          and (target_type = 'theme') = (theme_key is not null)`,
    )
    .execute();
  await db.schema
    .createIndex('improvement_actions_workspace_id_created_at_idx')
    .on('improvement_actions')
    .columns(['workspace_id', 'created_at'])
    .execute();

  // Manager decisions on comment themes, re-applied on every extraction.
  await db.schema
    .createTable('theme_overrides')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('workspace_id', 'uuid', (c) =>
      c.notNull().references('workspaces.id').onDelete('cascade'),
    )
    .addColumn('survey_id', 'uuid', (c) => c.notNull().references('surveys.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('rename', 'merge', 'pin')`))
    .addColumn('theme_key', 'text', (c) => c.notNull())
    .addColumn('value', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('theme_overrides_survey_id_kind_theme_key_key', [
      'survey_id',
      'kind',
      'theme_key',
    ])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('theme_overrides').ifExists().execute();
  await db.schema.dropTable('improvement_actions').ifExists().execute();
  await db.schema.dropTable('schedule_runs').ifExists().execute();
  await db.schema.dropTable('report_deliveries').ifExists().execute();
  await db.schema.dropTable('reports').ifExists().execute();
  await db.schema
    .alterTable('workspaces')
    .dropColumn('executive_recipients')
    .dropColumn('manager_recipients')
    .dropColumn('monthly_report_day')
    .dropColumn('weekly_report_weekday')
    .dropColumn('report_hour')
    .execute();
}
