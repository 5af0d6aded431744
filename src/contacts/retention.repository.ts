import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';

// The retention policy's statements. They reach into tables other rooms own (responses,
// invitations, events, notes, deliveries) because erasure is one policy across them, and
// those rooms sit above contacts on the ladder, so contacts cannot call their services.

export async function findWorkspacesWithRetention(db: Kysely<Database>) {
  return db
    .selectFrom('workspaces')
    .select(['id', 'retention_months'])
    .where('retention_months', 'is not', null)
    .execute();
}

/**
 * Drops comments (and free-text answers) and the link to the person from responses older than
 * the cutoff.
 */
export async function anonymizeResponsesBefore(
  db: Kysely<Database>,
  workspaceId: string,
  cutoff: Date,
  now: Date,
): Promise<number> {
  // Free-text answers to additional questions are comments too; choices and scales stay.
  await db
    .deleteFrom('response_answers')
    .where('workspace_id', '=', workspaceId)
    .where(sql<boolean>`question->>'type' = 'free_text'`)
    .where((eb) =>
      eb(
        'response_id',
        'in',
        eb
          .selectFrom('responses')
          .select('id')
          .where('workspace_id', '=', workspaceId)
          .where('created_at', '<', cutoff)
          .where('anonymized_at', 'is', null),
      ),
    )
    .execute();
  // NOTE: the rollup trigger ignores comment and contact changes, so scores stay as they are.
  const result = await db
    .updateTable('responses')
    .set({ comment: null, contact_id: null, anonymized_at: now })
    .where('workspace_id', '=', workspaceId)
    .where('created_at', '<', cutoff)
    .where('anonymized_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function unlinkInvitationsBefore(
  db: Kysely<Database>,
  workspaceId: string,
  cutoff: Date,
): Promise<number> {
  const result = await db
    .updateTable('invitations')
    .set({ contact_id: null, last_error: null })
    .where('workspace_id', '=', workspaceId)
    .where('created_at', '<', cutoff)
    .where('contact_id', 'is not', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function scrubEventsBefore(
  db: Kysely<Database>,
  workspaceId: string,
  cutoff: Date,
): Promise<number> {
  const result = await db
    .updateTable('events')
    .set({ contact_id: null, properties: '{}', response_body: null })
    .where('workspace_id', '=', workspaceId)
    .where('created_at', '<', cutoff)
    .where(sql<boolean>`(contact_id is not null or properties <> '{}'::jsonb)`)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Replaces the body of follow-up notes older than the cutoff with `placeholder`. */
export async function scrubFollowupNotesBefore(
  db: Kysely<Database>,
  workspaceId: string,
  cutoff: Date,
  placeholder: string,
): Promise<number> {
  const result = await db
    .updateTable('followup_notes')
    .set({ body: placeholder })
    .where('workspace_id', '=', workspaceId)
    .where('created_at', '<', cutoff)
    .where('body', '!=', placeholder)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Tables whose old rows are deleted outright: logs that hold payloads or addresses. */
export const RETENTION_DELETED_TABLES = [
  'webhook_deliveries',
  'chat_alert_deliveries',
  'link_fetches',
  'dev_mailbox',
] as const;

export async function deleteRecordsBefore(
  db: Kysely<Database>,
  table: (typeof RETENTION_DELETED_TABLES)[number],
  workspaceId: string,
  cutoff: Date,
): Promise<number> {
  const result = await db
    .deleteFrom(table)
    .where('workspace_id', '=', workspaceId)
    .where('created_at', '<', cutoff)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Up to `limit` contacts untouched since the cutoff and invited to nothing since then. */
export async function findInactiveContactIds(
  db: Kysely<Database>,
  workspaceId: string,
  cutoff: Date,
  limit: number,
): Promise<string[]> {
  const rows = await db
    .selectFrom('contacts')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('updated_at', '<', cutoff)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('invitations')
            .select('invitations.id')
            .whereRef('invitations.contact_id', '=', 'contacts.id')
            .where('invitations.created_at', '>=', cutoff),
        ),
      ),
    )
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

/**
 * Right to erasure, beyond the contact row: webhook and chat-alert deliveries are logs that
 * carry the person's address, name and answers in their payloads, so the ones that name the
 * contact (by id or address) are deleted, pending or not (a pending delivery's job then finds
 * nothing to send); the events that were about the contact lose their properties and stored
 * reply. Runs before the contact row goes, while its responses still point at it.
 */
export async function deleteRecordsNamingContact(
  db: Kysely<Database>,
  workspaceId: string,
  contact: { id: string; email: string },
): Promise<void> {
  const email = contact.email.toLowerCase();
  const names = sql<boolean>`(strpos(lower(payload::text), ${email}) > 0 or strpos(payload::text, ${contact.id}) > 0)`;
  await db
    .deleteFrom('webhook_deliveries')
    .where('workspace_id', '=', workspaceId)
    .where(names)
    .execute();
  await db
    .deleteFrom('chat_alert_deliveries')
    .where('workspace_id', '=', workspaceId)
    .where((eb) =>
      eb.or([
        eb(
          'response_id',
          'in',
          eb
            .selectFrom('responses')
            .select('id')
            .where('workspace_id', '=', workspaceId)
            .where('contact_id', '=', contact.id),
        ),
        names,
      ]),
    )
    .execute();
  await db
    .updateTable('events')
    .set({ properties: '{}', response_body: null })
    .where('workspace_id', '=', workspaceId)
    .where('contact_id', '=', contact.id)
    .execute();
}
