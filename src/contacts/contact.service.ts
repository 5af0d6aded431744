import type { Kysely } from 'kysely';
import type { Contact, Database, JsonObject } from '../../db/schema';
import type { Clock } from '../clock';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import type {
  ContactDto,
  ListContactsQuery,
  UpdateContactBody,
  UpsertContactBody,
} from './contact.schemas';
import type { ContactBatchRow, ContactInput, UpsertedContact } from './contact.repository';
import { deleteRecordsNamingContact } from './retention.repository';
import {
  deleteContactById,
  findContactByExternalId,
  findContactById,
  findSuppressedEmail,
  findSuppressedEmails,
  insertSuppressedEmail,
  listContacts,
  updateContactById,
  upsertContact,
  upsertContactsBatch,
} from './contact.repository';
import type { EmailHasher } from '../platform/keyed-hash';

export function toContactDto(row: Contact): ContactDto {
  return {
    id: row.id,
    email: row.email,
    externalId: row.external_id,
    name: row.name,
    locale: row.locale,
    timeZone: row.time_zone,
    properties: row.properties as ContactDto['properties'],
    unsubscribedAt: row.unsubscribed_at?.toISOString() ?? null,
    bouncedAt: row.bounced_at?.toISOString() ?? null,
    bounceReason: row.bounce_reason,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

const notFound = () => new NotFoundError('contact_not_found', 'Contact not found.');

function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string }).code === '23505';
}

function duplicate(field: 'email' | 'externalId'): ConflictError {
  return new ConflictError('contact_exists', `Another contact already has this ${field}.`, [
    { field, issue: 'already used by another contact', location: 'body' },
  ]);
}

/**
 * Upserts by email and re-applies any suppression kept for an erased contact with the same
 * address, so erasing a contact never re-subscribes them.
 */
export async function ensureContact(
  db: Kysely<Database>,
  workspaceId: string,
  input: ContactInput,
  now: Date,
  hashEmail: EmailHasher,
): Promise<{ contact: Contact; created: boolean }> {
  const contact = await upsertContact(db, workspaceId, input, now);
  const created =
    contact.created_at.getTime() === now.getTime() &&
    contact.updated_at.getTime() === now.getTime();
  if (!created || contact.unsubscribed_at || contact.bounced_at) {
    return { contact, created };
  }
  const kept = await findSuppressedEmail(db, workspaceId, hashEmail(contact.email));
  let current = contact;
  for (const s of kept) {
    current =
      (await updateContactById(
        db,
        workspaceId,
        contact.id,
        s.reason === 'unsubscribed'
          ? { unsubscribed_at: s.created_at, unsubscribe_source: 'erased_contact' }
          : { bounced_at: s.created_at, bounce_reason: 'erased_contact' },
      )) ?? current;
  }
  return { contact: current, created };
}

/** POST /api/contacts: by external id when it is known, else by email. */
export async function saveContact(
  db: Kysely<Database>,
  clock: Clock,
  workspaceId: string,
  input: UpsertContactBody,
  hashEmail: EmailHasher,
): Promise<{ contact: ContactDto; created: boolean }> {
  const now = clock.now();
  try {
    return await db.transaction().execute(async (trx) => {
      const byExternal = input.externalId
        ? await findContactByExternalId(trx, workspaceId, input.externalId)
        : undefined;
      if (byExternal) {
        const updated = await updateContactById(trx, workspaceId, byExternal.id, {
          email: input.email,
          ...(input.name !== undefined ? { name: input.name } : {}),
          ...(input.locale !== undefined ? { locale: input.locale } : {}),
          ...(input.timeZone !== undefined ? { time_zone: input.timeZone } : {}),
          properties: JSON.stringify({ ...byExternal.properties, ...(input.properties ?? {}) }),
          updated_at: now,
        });
        return { contact: toContactDto(updated ?? byExternal), created: false };
      }
      const { contact, created } = await ensureContact(trx, workspaceId, input, now, hashEmail);
      if (input.externalId && contact.external_id !== input.externalId) {
        throw duplicate('externalId');
      }
      return { contact: toContactDto(contact), created };
    });
  } catch (err) {
    if (isUniqueViolation(err)) {
      throw duplicate('email');
    }
    throw err;
  }
}

export async function getContact(db: Kysely<Database>, workspaceId: string, id: string) {
  const row = await findContactById(db, workspaceId, id);
  if (!row) {
    throw notFound();
  }
  return toContactDto(row);
}

/** The contact row itself, for rooms that decide on it (eligibility, the /v1 layer). */
export async function findContactRow(
  db: Kysely<Database>,
  workspaceId: string,
  id: string,
): Promise<Contact | undefined> {
  return findContactById(db, workspaceId, id);
}

/**
 * Sets the given email and name, nothing else; the caller checks uniqueness first. Returns
 * the updated row, undefined when the contact is gone.
 */
export async function updateContactDetails(
  db: Kysely<Database>,
  workspaceId: string,
  id: string,
  fields: { email?: string; name?: string | null },
  now: Date,
): Promise<Contact | undefined> {
  return updateContactById(db, workspaceId, id, {
    ...(fields.email !== undefined ? { email: fields.email } : {}),
    ...(fields.name !== undefined ? { name: fields.name } : {}),
    updated_at: now,
  });
}

export async function findContacts(
  db: Kysely<Database>,
  workspaceId: string,
  query: ListContactsQuery & { suppressed?: 'unsubscribed' | 'bounced' },
): Promise<{ data: Contact[]; nextCursor: string | null }> {
  let after: { createdAt: Date; id: string } | undefined;
  if (query.cursor) {
    const anchor = await findContactById(db, workspaceId, query.cursor);
    if (!anchor) {
      throw new ValidationError([
        { field: 'cursor', issue: 'not a cursor from this list', location: 'query' },
      ]);
    }
    after = { createdAt: anchor.created_at, id: anchor.id };
  }
  const rows = await listContacts(db, workspaceId, { ...query, after, limit: query.limit + 1 });
  const page = rows.slice(0, query.limit);
  return {
    data: page,
    nextCursor: rows.length > query.limit ? (page.at(-1)?.id ?? null) : null,
  };
}

export async function changeContact(
  db: Kysely<Database>,
  clock: Clock,
  workspaceId: string,
  id: string,
  input: UpdateContactBody,
): Promise<ContactDto> {
  const existing = await findContactById(db, workspaceId, id);
  if (!existing) {
    throw notFound();
  }
  let properties: string | undefined;
  if (input.properties) {
    const merged: JsonObject = { ...existing.properties };
    for (const [k, v] of Object.entries(input.properties)) {
      if (v === null) {
        delete merged[k];
      } else {
        merged[k] = v;
      }
    }
    properties = JSON.stringify(merged);
  }
  try {
    const row = await updateContactById(db, workspaceId, id, {
      ...(input.email !== undefined ? { email: input.email } : {}),
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.locale !== undefined ? { locale: input.locale } : {}),
      ...(input.timeZone !== undefined ? { time_zone: input.timeZone } : {}),
      ...(input.externalId !== undefined ? { external_id: input.externalId } : {}),
      ...(properties !== undefined ? { properties } : {}),
      updated_at: clock.now(),
    });
    if (!row) {
      throw notFound();
    }
    return toContactDto(row);
  } catch (err) {
    if (isUniqueViolation(err)) {
      throw duplicate(
        String((err as { constraint?: string }).constraint).includes('external')
          ? 'externalId'
          : 'email',
      );
    }
    throw err;
  }
}

/**
 * Erases the contact (right to erasure). Invitations and responses keep their scores but
 * lose the link to the person; a suppression survives as a hash of the address only, and
 * the delivery logs and event payloads that name the person go with it.
 */
export async function eraseContact(
  db: Kysely<Database>,
  clock: Clock,
  workspaceId: string,
  id: string,
  hashEmail: EmailHasher,
  options: {
    /**
     * False when the caller has already deleted every log the person could be in: retention
     * erases contacts untouched since its cutoff, after deleting the logs older than it.
     */
    scrubLogs?: boolean;
  } = {},
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const found = await findContactById(trx, workspaceId, id);
    if (!found) {
      throw notFound();
    }
    if (options.scrubLogs !== false) {
      await deleteRecordsNamingContact(trx, workspaceId, found);
    }
    const row = await deleteContactById(trx, workspaceId, id);
    if (!row) {
      throw notFound();
    }
    const now = clock.now();
    if (row.unsubscribed_at) {
      await insertSuppressedEmail(trx, workspaceId, hashEmail(row.email), 'unsubscribed', now);
    }
    if (row.bounced_at) {
      await insertSuppressedEmail(trx, workspaceId, hashEmail(row.email), 'bounced', now);
    }
  });
}

export interface ContactBatchInput {
  email: string;
  name?: string | null | undefined;
  locale?: string | null | undefined;
  properties?: JsonObject | undefined;
}

/**
 * Upserts many contacts in one statement (imports), with ensureContact's rules: given fields
 * win, properties merge, kept suppressions of erased addresses come back. Keep `now` the same
 * for a whole import so a contact touched by several batches counts once.
 */
export async function ensureContacts(
  db: Kysely<Database>,
  workspaceId: string,
  inputs: ContactBatchInput[],
  now: Date,
  hashEmail: EmailHasher,
): Promise<{ created: number; updated: number }> {
  const merged = new Map<string, ContactBatchRow>();
  for (const input of inputs) {
    const key = input.email.trim().toLowerCase();
    const prev = merged.get(key);
    merged.set(key, {
      email: prev?.email ?? input.email.trim(),
      name: input.name ?? prev?.name ?? null,
      locale: input.locale ?? prev?.locale ?? null,
      properties: { ...prev?.properties, ...input.properties },
    });
  }
  const rows = await upsertContactsBatch(db, workspaceId, [...merged.values()], now);
  const inserted = rows.filter((r) => r.inserted);
  await reapplyKeptSuppressions(db, workspaceId, inserted, hashEmail);
  const touchedBefore = (r: UpsertedContact) =>
    r.created_at.getTime() === now.getTime() || r.previous_updated_at?.getTime() === now.getTime();
  return {
    created: inserted.length,
    updated: rows.filter((r) => !r.inserted && !touchedBefore(r)).length,
  };
}

async function reapplyKeptSuppressions(
  db: Kysely<Database>,
  workspaceId: string,
  created: UpsertedContact[],
  hashEmail: EmailHasher,
): Promise<void> {
  const byHash = new Map(created.map((c) => [hashEmail(c.email), c]));
  const kept = await findSuppressedEmails(db, workspaceId, [...byHash.keys()]);
  for (const s of kept) {
    const contact = byHash.get(s.email_hash);
    if (!contact || (s.reason !== 'unsubscribed' && s.reason !== 'bounced')) {
      continue;
    }
    await updateContactById(
      db,
      workspaceId,
      contact.id,
      s.reason === 'unsubscribed'
        ? { unsubscribed_at: s.created_at, unsubscribe_source: 'erased_contact' }
        : { bounced_at: s.created_at, bounce_reason: 'erased_contact' },
    );
  }
}
