import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// NOTE: migrations are frozen in time: they never import from src/ or db/schema.

/**
 * When a send was handed to SMTP: a claim without it never reached the server and may be
 * sent again; only a handed one is "maybe sent". Sends in flight at upgrade time count as
 * handed, the safe side (they become send_unknown, never a second mail).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('invitations')
    .addColumn('handed_at', 'timestamptz')
    .addColumn('reminder_handed_at', 'timestamptz')
    .execute();
  await sql`update invitations set handed_at = claimed_at where status = 'sending'`.execute(db);
  await sql`update invitations set reminder_handed_at = reminder_claimed_at
    where reminder_status = 'sending'`.execute(db);
  // An operator's resend of a send_unknown mints a new link; the first one may have arrived,
  // so its token stays valid beside the reminders' tokens.
  await sql`alter table invitation_tokens drop constraint invitation_tokens_purpose_check,
    add constraint invitation_tokens_purpose_check check (purpose in ('reminder', 'resent'))`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`delete from invitation_tokens where purpose = 'resent'`.execute(db);
  await sql`alter table invitation_tokens drop constraint invitation_tokens_purpose_check,
    add constraint invitation_tokens_purpose_check check (purpose in ('reminder'))`.execute(db);
  await db.schema
    .alterTable('invitations')
    .dropColumn('handed_at')
    .dropColumn('reminder_handed_at')
    .execute();
}
