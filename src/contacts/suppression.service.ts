import type { Kysely } from 'kysely';
import type { Contact, Database } from '../../db/schema';
import type { Clock } from '../clock';
import { NotFoundError } from '../errors';
import type { EmailHasher } from '../platform/keyed-hash';
import { publishUnsubscribe } from '../webhooks/publish.service';
import type { ListSuppressionsQuery, SuppressionBody, SuppressionDto } from './contact.schemas';
import {
  deleteSuppressedEmail,
  findContactById,
  findSuppressedEmail,
  insertSuppressedEmail,
  listContacts,
  markContactBounced,
  markContactsSuppressed,
  markContactUnsubscribed,
  updateContactById,
} from './contact.repository';
import { ensureContact, ensureContacts, findContacts } from './contact.service';

// Suppressions: who must not be surveyed any more (unsubscribed or bounced), and why.

export type SuppressionKind = 'unsubscribed' | 'bounced';

export function toSuppressionDto(row: Contact, kind: SuppressionKind): SuppressionDto {
  const since = kind === 'unsubscribed' ? row.unsubscribed_at : row.bounced_at;
  return {
    contactId: row.id,
    email: row.email,
    since: (since ?? row.updated_at).toISOString(),
    source: kind === 'unsubscribed' ? row.unsubscribe_source : row.bounce_reason,
  };
}

/** One cursor page of the unsubscribe or bounce list, newest contact first. */
export async function listSuppressions(
  db: Kysely<Database>,
  workspaceId: string,
  kind: SuppressionKind,
  query: ListSuppressionsQuery,
): Promise<{ data: SuppressionDto[]; nextCursor: string | null }> {
  const page = await findContacts(db, workspaceId, { ...query, suppressed: kind });
  return { data: page.data.map((c) => toSuppressionDto(c, kind)), nextCursor: page.nextCursor };
}

/** Adds an address to the unsubscribe or bounce list, creating the contact if needed. */
export async function suppress(
  db: Kysely<Database>,
  clock: Clock,
  workspaceId: string,
  kind: SuppressionKind,
  input: SuppressionBody,
  hashEmail: EmailHasher,
): Promise<{ suppression: SuppressionDto; created: boolean }> {
  const now = clock.now();
  return db.transaction().execute(async (trx) => {
    const { contact } = await ensureContact(
      trx,
      workspaceId,
      { email: input.email },
      now,
      hashEmail,
    );
    const changed =
      kind === 'unsubscribed'
        ? await unsubscribeContact(trx, workspaceId, contact.id, now, input.reason ?? 'api')
        : await markContactBounced(trx, workspaceId, contact.id, now, input.reason ?? 'api');
    const row = (await findContactById(trx, workspaceId, contact.id)) ?? contact;
    return { suppression: toSuppressionDto(row, kind), created: changed };
  });
}

/**
 * Unsubscribes a contact inside the caller's transaction (API, survey page, one-click header)
 * and announces it to webhooks once; false when the contact had already unsubscribed.
 */
export async function unsubscribeContact(
  trx: Kysely<Database>,
  workspaceId: string,
  contactId: string,
  now: Date,
  reason: string,
): Promise<boolean> {
  const changed = await markContactUnsubscribed(trx, workspaceId, contactId, now, reason);
  if (changed) {
    await publishUnsubscribe(trx, workspaceId, contactId, now);
  }
  return changed;
}

/** Removes a contact from the unsubscribe or bounce list (e.g. they asked to hear from us again). */
export async function unsuppress(
  db: Kysely<Database>,
  clock: Clock,
  workspaceId: string,
  kind: SuppressionKind,
  contactId: string,
  hashEmail: EmailHasher,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = await findContactById(trx, workspaceId, contactId);
    if (!row || (kind === 'unsubscribed' ? !row.unsubscribed_at : !row.bounced_at)) {
      throw new NotFoundError('suppression_not_found', `This contact is not ${kind}.`);
    }
    await updateContactById(
      trx,
      workspaceId,
      contactId,
      kind === 'unsubscribed'
        ? { unsubscribed_at: null, unsubscribe_source: null, updated_at: clock.now() }
        : { bounced_at: null, bounce_reason: null, updated_at: clock.now() },
    );
    await deleteSuppressedEmail(trx, workspaceId, hashEmail(row.email), kind);
  });
}

/**
 * A hard bounce seen while sending: the contact goes on the bounce list unless it already is
 * (an earlier bounce keeps its date and reason). Runs in the caller's transaction, so the
 * bounce and the message's final status commit together. Returns whether this call did it.
 */
export async function markBounced(
  trx: Kysely<Database>,
  workspaceId: string,
  contactId: string,
  now: Date,
  reason: string,
): Promise<boolean> {
  return markContactBounced(trx, workspaceId, contactId, now, reason);
}

/**
 * Adds many addresses to the unsubscribe or bounce list at their own times (imports),
 * creating missing contacts. Already suppressed addresses keep their earlier date.
 */
export async function suppressContacts(
  db: Kysely<Database>,
  workspaceId: string,
  kind: SuppressionKind,
  entries: { email: string; at: Date }[],
  source: string,
  now: Date,
  hashEmail: EmailHasher,
): Promise<{ contactsCreated: number; suppressed: number }> {
  const earliest = new Map<string, { email: string; at: Date }>();
  for (const e of entries) {
    const key = e.email.trim().toLowerCase();
    const prev = earliest.get(key);
    if (!prev || e.at < prev.at) {
      earliest.set(key, { email: e.email.trim(), at: e.at });
    }
  }
  const unique = [...earliest.values()];
  const { created } = await ensureContacts(
    db,
    workspaceId,
    unique.map((e) => ({ email: e.email })),
    now,
    hashEmail,
  );
  const suppressed = await markContactsSuppressed(db, workspaceId, kind, unique, source, now);
  return { contactsCreated: created, suppressed };
}

/**
 * A hard bounce or complaint a mail provider reported later (bounce webhooks): the address
 * goes on the bounce list as an SMTP 5xx puts it there, creating the contact if needed, as
 * POST /api/bounces does, except for a person who was erased: their address is not stored
 * again, only the keyed hash says "bounced" (a later event re-applies it, as for any erased
 * address). Runs in the caller's transaction; returns whether this call did it.
 */
export async function bounceAddress(
  trx: Kysely<Database>,
  workspaceId: string,
  email: string,
  now: Date,
  reason: string,
  hashEmail: EmailHasher,
): Promise<boolean> {
  const known = await listContacts(trx, workspaceId, { email, limit: 1 });
  if (known.length === 0) {
    const hash = hashEmail(email);
    const kept = await findSuppressedEmail(trx, workspaceId, hash);
    if (kept.length > 0) {
      if (kept.some((k) => k.reason === 'bounced')) {
        return false;
      }
      await insertSuppressedEmail(trx, workspaceId, hash, 'bounced', now);
      return true;
    }
  }
  const { contact } = await ensureContact(trx, workspaceId, { email }, now, hashEmail);
  return markContactBounced(trx, workspaceId, contact.id, now, reason);
}
