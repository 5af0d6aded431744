import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { Clock } from '../clock';
import { eraseContact } from './contact.service';
import type { EmailHasher } from '../platform/keyed-hash';
import {
  RETENTION_DELETED_TABLES,
  anonymizeResponsesBefore,
  deleteRecordsBefore,
  findInactiveContactIds,
  findWorkspacesWithRetention,
  scrubEventsBefore,
  scrubFollowupNotesBefore,
  unlinkInvitationsBefore,
} from './retention.repository';

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
  const workspaces = await findWorkspacesWithRetention(db);
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
    const responsesAnonymized = await anonymizeResponsesBefore(trx, workspaceId, cutoff, now);
    const invitationsUnlinked = await unlinkInvitationsBefore(trx, workspaceId, cutoff);
    const eventsScrubbed = await scrubEventsBefore(trx, workspaceId, cutoff);
    const notesScrubbed = await scrubFollowupNotesBefore(trx, workspaceId, cutoff, REMOVED_NOTE);
    let recordsDeleted = 0;
    for (const table of RETENTION_DELETED_TABLES) {
      recordsDeleted += await deleteRecordsBefore(trx, table, workspaceId, cutoff);
    }
    return {
      responsesAnonymized,
      invitationsUnlinked,
      eventsScrubbed,
      notesScrubbed,
      recordsDeleted,
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
    const ids = await findInactiveContactIds(db, workspaceId, cutoff, batch);
    for (const id of ids) {
      // Their logs are older than the cutoff, so anonymizeWorkspace deleted them already.
      await eraseContact(db, clock, workspaceId, id, hashEmail, { scrubLogs: false });
      erased++;
    }
    if (ids.length < batch) {
      return erased;
    }
  }
}
