import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { Clock } from '../clock';
import { eraseContact } from './contact.service';
import type { EmailHasher } from '../platform/keyed-hash';

export interface RetentionResult {
  workspaces: number;
  contactsErased: number;
  responsesAnonymized: number;
  invitationsUnlinked: number;
  eventsScrubbed: number;
  notesScrubbed: number;
  recordsDeleted: number;
}

const REMOVED_NOTE = '[removed under the retention policy]';

/** The instant `months` calendar months before `now` (UTC). */
export function retentionCutoff(now: Date, months: number): Date {
  const cutoff = new Date(now);
  cutoff.setUTCMonth(cutoff.getUTCMonth() - months);
  return cutoff;
}

/**
 * Anonymizes personal data older than each workspace's retention period: comments and the
 * link to the person on responses, contacts with no activity since the cutoff (erased, with
 * an unsubscribe or bounce kept as a hash), event properties, follow-up notes, webhook
 * payloads and link logs. Scores, segments and rollups stay, so past reports keep their
 * numbers. Idempotent: a second run finds nothing left to do.
 */
export async function applyRetention(
  db: Kysely<Database>,
  clock: Clock,
  hashEmail: EmailHasher,
  options: { contactBatch?: number } = {},
): Promise<RetentionResult> {
  const now = clock.now();
  const result: RetentionResult = {
    workspaces: 0,
    contactsErased: 0,
    responsesAnonymized: 0,
    invitationsUnlinked: 0,
    eventsScrubbed: 0,
    notesScrubbed: 0,
    recordsDeleted: 0,
  };
  const workspaces = await db
    .selectFrom('workspaces')
    .select(['id', 'retention_months'])
    .where('retention_months', 'is not', null)
    .execute();
  for (const ws of workspaces) {
    result.workspaces++;
    const cutoff = retentionCutoff(now, ws.retention_months!);
    const counts = await anonymizeWorkspace(db, ws.id, cutoff, now);
    for (const [key, value] of Object.entries(counts) as [keyof RetentionResult, number][]) {
      result[key] += value;
    }
    result.contactsErased += await eraseInactiveContacts(
      db,
      clock,
      hashEmail,
      ws.id,
      cutoff,
      options.contactBatch ?? 500,
    );
  }
  return result;
}

async function anonymizeWorkspace(
  db: Kysely<Database>,
  workspaceId: string,
  cutoff: Date,
  now: Date,
) {
  return db.transaction().execute(async (trx) => {
    // NOTE: the rollup trigger ignores comment and contact changes, so scores stay as they are.
    const responses = await trx
      .updateTable('responses')
      .set({ comment: null, contact_id: null, anonymized_at: now })
      .where('workspace_id', '=', workspaceId)
      .where('created_at', '<', cutoff)
      .where('anonymized_at', 'is', null)
      .executeTakeFirst();
    const invitations = await trx
      .updateTable('invitations')
      .set({ contact_id: null, last_error: null })
      .where('workspace_id', '=', workspaceId)
      .where('created_at', '<', cutoff)
      .where('contact_id', 'is not', null)
      .executeTakeFirst();
    const events = await trx
      .updateTable('events')
      .set({ contact_id: null, properties: '{}', response_body: null })
      .where('workspace_id', '=', workspaceId)
      .where('created_at', '<', cutoff)
      .where(sql<boolean>`(contact_id is not null or properties <> '{}'::jsonb)`)
      .executeTakeFirst();
    const notes = await trx
      .updateTable('followup_notes')
      .set({ body: REMOVED_NOTE })
      .where('workspace_id', '=', workspaceId)
      .where('created_at', '<', cutoff)
      .where('body', '!=', REMOVED_NOTE)
      .executeTakeFirst();
    let deleted = 0n;
    for (const table of ['webhook_deliveries', 'link_fetches', 'dev_mailbox'] as const) {
      const r = await trx
        .deleteFrom(table)
        .where('workspace_id', '=', workspaceId)
        .where('created_at', '<', cutoff)
        .executeTakeFirst();
      deleted += r.numDeletedRows;
    }
    return {
      responsesAnonymized: Number(responses.numUpdatedRows),
      invitationsUnlinked: Number(invitations.numUpdatedRows),
      eventsScrubbed: Number(events.numUpdatedRows),
      notesScrubbed: Number(notes.numUpdatedRows),
      recordsDeleted: Number(deleted),
    };
  });
}

/** Contacts untouched since the cutoff (no event, answer or edit) are erased like DELETE /api/contacts/:id. */
async function eraseInactiveContacts(
  db: Kysely<Database>,
  clock: Clock,
  hashEmail: EmailHasher,
  workspaceId: string,
  cutoff: Date,
  batch: number,
): Promise<number> {
  let erased = 0;
  for (;;) {
    const ids = await db
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
      .limit(batch)
      .execute();
    for (const { id } of ids) {
      await eraseContact(db, clock, workspaceId, id, hashEmail);
      erased++;
    }
    if (ids.length < batch) {
      return erased;
    }
  }
}
