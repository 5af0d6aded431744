import { sql } from 'kysely';
import type { Kysely } from 'kysely';

// NOTE: migrations are frozen in time: they never import from src/ or db/schema.

/**
 * Webhook deliveries and follow-up owner alerts move onto the outbox, beside invitations: the
 * response's transaction writes the row and the relay hands it to BullMQ. Deliveries that were
 * never enqueued and owner alerts not yet sent get their outbox row here, so nothing pending
 * at upgrade time is lost (the old collector sweep would have picked them up). Job ids are
 * derived from the row's aggregate id, so a job that is already in Redis is not doubled.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    insert into outbox (workspace_id, topic, aggregate_id, available_at, created_at)
    select workspace_id, 'webhook-delivery', id, now(), now()
    from webhook_deliveries
    where status = 'pending' and enqueued_at is null`.execute(db);
  await sql`
    insert into outbox (workspace_id, topic, aggregate_id, available_at, created_at)
    select workspace_id, 'followup-alert', id, now(), now()
    from followup_cases
    where alert_sent_at is null and owner_email is not null and status = 'open'`.execute(db);
  await db.schema.alterTable('webhook_deliveries').dropColumn('enqueued_at').execute();
  // The reconciler asks "is there an outbox row for this invitation?"; so will the purge.
  await db.schema
    .createIndex('outbox_aggregate_id_topic_idx')
    .on('outbox')
    .columns(['aggregate_id', 'topic'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('outbox_aggregate_id_topic_idx').execute();
  await db.schema
    .alterTable('webhook_deliveries')
    .addColumn('enqueued_at', 'timestamptz')
    .execute();
  await sql`delete from outbox where topic in ('webhook-delivery', 'followup-alert')`.execute(db);
}
