import { sql } from 'kysely';
import type { Kysely } from 'kysely';

// NOTE: migrations are frozen in time: they never import from src/ or db/schema.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('surveys')
    .addColumn('quiet_period_days', 'integer', (c) =>
      c.check(sql`quiet_period_days between 0 and 3650`),
    )
    .execute();

  await db.schema
    .alterTable('invitations')
    .addColumn('reminder_status', 'text', (c) =>
      c.check(
        sql`reminder_status in ('scheduled', 'sending', 'sent', 'send_unknown', 'failed', 'bounced', 'skipped')`,
      ),
    )
    .addColumn('reminder_claimed_at', 'timestamptz')
    .addColumn('reminder_sent_at', 'timestamptz')
    .addColumn('reminder_skip_reason', 'text')
    .execute();
  // The quiet-period check reads a contact's recent invitations on every event.
  await db.schema
    .createIndex('invitations_workspace_id_contact_id_created_at_idx')
    .on('invitations')
    .columns(['workspace_id', 'contact_id', 'created_at'])
    .execute();
  await sql`create index invitations_reminder_due_idx on invitations (sent_at) where status = 'sent' and reminder_status is null and answered_at is null`.execute(
    db,
  );

  // Every link token minted after the first (reminders); only SHA-256 hashes are stored.
  await db.schema
    .createTable('invitation_tokens')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'uuid', (c) =>
      c.notNull().references('workspaces.id').onDelete('cascade'),
    )
    .addColumn('invitation_id', 'uuid', (c) =>
      c.notNull().references('invitations.id').onDelete('cascade'),
    )
    .addColumn('purpose', 'text', (c) => c.notNull().check(sql`purpose in ('reminder')`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('invitation_tokens_invitation_id_idx')
    .on('invitation_tokens')
    .column('invitation_id')
    .execute();

  // Per-workspace, per-local-day counter behind the daily send quota (row lock = no overshoot).
  await db.schema
    .createTable('daily_send_counts')
    .addColumn('workspace_id', 'uuid', (c) =>
      c.notNull().references('workspaces.id').onDelete('cascade'),
    )
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('invited', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('over_quota', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('daily_send_counts_pkey', ['workspace_id', 'day'])
    .execute();

  // Suppressions that outlive an erased contact: only a hash of the address is kept.
  await db.schema
    .createTable('suppressed_emails')
    .addColumn('workspace_id', 'uuid', (c) =>
      c.notNull().references('workspaces.id').onDelete('cascade'),
    )
    .addColumn('email_hash', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) =>
      c.notNull().check(sql`reason in ('unsubscribed', 'bounced')`),
    )
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('suppressed_emails_pkey', ['workspace_id', 'email_hash', 'reason'])
    .execute();

  await db.schema
    .alterTable('contacts')
    .addColumn('bounce_reason', 'text')
    .addColumn('unsubscribe_source', 'text')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('contacts')
    .dropColumn('bounce_reason')
    .dropColumn('unsubscribe_source')
    .execute();
  await db.schema.dropTable('suppressed_emails').ifExists().execute();
  await db.schema.dropTable('daily_send_counts').ifExists().execute();
  await db.schema.dropTable('invitation_tokens').ifExists().execute();
  await sql`drop index if exists invitations_reminder_due_idx`.execute(db);
  await db.schema
    .dropIndex('invitations_workspace_id_contact_id_created_at_idx')
    .ifExists()
    .execute();
  await db.schema
    .alterTable('invitations')
    .dropColumn('reminder_status')
    .dropColumn('reminder_claimed_at')
    .dropColumn('reminder_sent_at')
    .dropColumn('reminder_skip_reason')
    .execute();
  await db.schema.alterTable('surveys').dropColumn('quiet_period_days').execute();
}
