import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema';
import type { ImportType } from './delighted-columns';
import type { ExistingContact } from './delighted-import.repository';
import {
  createSeenKeys,
  dropSeenKeys,
  findContactsByEmails,
  findExistingExternalIds,
  markSeen,
} from './delighted-import.repository';
import type {
  BatchCounts,
  PersonFields,
  ResponseRowData,
  SuppressionRowData,
} from './delighted-rows';

const emailKey = (email: string) => email.trim().toLowerCase();

/** Would the upsert change this contact (given fields win, properties merge)? */
function wouldChange(existing: ExistingContact, row: PersonFields): boolean {
  if (
    (row.name !== null && row.name !== existing.name) ||
    (row.locale !== null && row.locale !== existing.locale)
  ) {
    return true;
  }
  return Object.entries(row.properties).some(
    ([k, v]) => JSON.stringify(existing.properties[k]) !== JSON.stringify(v),
  );
}

function mergeByEmail(rows: PersonFields[]): Map<string, PersonFields> {
  const merged = new Map<string, PersonFields>();
  for (const r of rows) {
    const key = emailKey(r.email);
    const prev = merged.get(key);
    merged.set(key, {
      email: r.email,
      name: r.name ?? prev?.name ?? null,
      locale: r.locale ?? prev?.locale ?? null,
      properties: { ...prev?.properties, ...r.properties },
    });
  }
  return merged;
}

/**
 * Counts what an import would do by reading only. Keys met in earlier batches are kept in a
 * temporary table on the dry run's connection. NOTE: a contact is judged new/updated the
 * first time the file names it; later rows for the same address are not compared again.
 */
export class DryRunCounter {
  private constructor(
    private readonly conn: Kysely<Database>,
    private readonly workspaceId: string,
  ) {}

  static async open(conn: Kysely<Database>, workspaceId: string): Promise<DryRunCounter> {
    await createSeenKeys(conn);
    return new DryRunCounter(conn, workspaceId);
  }

  async close(): Promise<void> {
    await dropSeenKeys(this.conn);
  }

  async count(type: ImportType, rows: object[]): Promise<BatchCounts> {
    const counts: BatchCounts = {
      newContacts: 0,
      updatedContacts: 0,
      newResponses: 0,
      duplicatesSkipped: 0,
      suppressed: 0,
    };
    if (type === 'unsubscribes' || type === 'bounces') {
      await this.countSuppressions(type, rows as SuppressionRowData[], counts);
      return counts;
    }
    await this.countContacts(rows as PersonFields[], counts);
    if (type === 'responses') {
      await this.countResponses(rows as ResponseRowData[], counts);
    }
    return counts;
  }

  private async countContacts(rows: PersonFields[], counts: BatchCounts): Promise<void> {
    const merged = mergeByEmail(rows);
    const fresh = await markSeen(this.conn, 'email', [...merged.keys()]);
    const existing = await findContactsByEmails(this.conn, this.workspaceId, [...fresh]);
    for (const key of fresh) {
      const found = existing.get(key);
      const row = merged.get(key);
      if (!found) {
        counts.newContacts += 1;
      } else if (row && wouldChange(found, row)) {
        counts.updatedContacts += 1;
      }
    }
  }

  private async countResponses(rows: ResponseRowData[], counts: BatchCounts): Promise<void> {
    const ids = [...new Set(rows.map((r) => r.externalId))];
    const fresh = await markSeen(this.conn, 'response', ids);
    const existing = await findExistingExternalIds(this.conn, this.workspaceId, [...fresh]);
    counts.newResponses = fresh.size - existing.size;
    counts.duplicatesSkipped = rows.length - counts.newResponses;
  }

  private async countSuppressions(
    type: 'unsubscribes' | 'bounces',
    rows: SuppressionRowData[],
    counts: BatchCounts,
  ): Promise<void> {
    const keys = [...new Set(rows.map((r) => emailKey(r.email)))];
    const fresh = await markSeen(this.conn, 'email', keys);
    const existing = await findContactsByEmails(this.conn, this.workspaceId, [...fresh]);
    for (const key of fresh) {
      const found = existing.get(key);
      if (!found) {
        counts.newContacts += 1;
        counts.suppressed += 1;
      } else if ((type === 'unsubscribes' ? found.unsubscribed_at : found.bounced_at) === null) {
        counts.suppressed += 1;
      }
    }
    counts.duplicatesSkipped = rows.length - counts.suppressed;
  }
}
