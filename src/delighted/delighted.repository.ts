import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { afterCursor } from '../platform/cursor';
import type { Database } from '../../db/schema';

// Queries of the Delighted-compatible /v1 API; every one is scoped by workspace_id.

/** The workspace's Delighted survey: the chosen one, else its oldest active NPS survey. */
export async function findDelightedSurvey(db: Kysely<Database>, workspaceId: string) {
  const chosen = await db
    .selectFrom('workspaces')
    .innerJoin('surveys', 'surveys.id', 'workspaces.delighted_survey_id')
    .selectAll('surveys')
    .where('workspaces.id', '=', workspaceId)
    .where('surveys.workspace_id', '=', workspaceId)
    .executeTakeFirst();
  if (chosen) {
    return chosen;
  }
  return db
    .selectFrom('surveys')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('kind', '=', 'nps')
    .where('status', '=', 'active')
    .orderBy('created_at')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
}

export async function setDelightedSurvey(
  db: Kysely<Database>,
  workspaceId: string,
  surveyId: string | null,
) {
  await db
    .updateTable('workspaces')
    .set({ delighted_survey_id: surveyId })
    .where('id', '=', workspaceId)
    .execute();
}

export async function findContactByEmail(db: Kysely<Database>, workspaceId: string, email: string) {
  return db
    .selectFrom('contacts')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where(sql<string>`lower(email)`, '=', email.toLowerCase())
    .executeTakeFirst();
}

export async function findContactByPhone(db: Kysely<Database>, workspaceId: string, phone: string) {
  return db
    .selectFrom('contacts')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('phone_number', '=', phone)
    .executeTakeFirst();
}

export async function setContactPhone(
  db: Kysely<Database>,
  workspaceId: string,
  contactId: string,
  phone: string | null,
  now: Date,
) {
  return db
    .updateTable('contacts')
    .set({ phone_number: phone, updated_at: now })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', contactId)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Contacts with their send and answer times, as Delighted's person list shows them. */
export function selectPeople(db: Kysely<Database>, workspaceId: string) {
  return db
    .selectFrom('contacts as c')
    .select([
      'c.id',
      'c.email',
      'c.name',
      'c.phone_number',
      'c.created_at',
      (eb) =>
        eb
          .selectFrom('invitations as i')
          .select(sql<Date | null>`max(i.sent_at)`.as('m'))
          .whereRef('i.contact_id', '=', 'c.id')
          .where('i.workspace_id', '=', workspaceId)
          .as('last_sent_at'),
      (eb) =>
        eb
          .selectFrom('responses as r')
          .select(sql<Date | null>`max(r.created_at)`.as('m'))
          .whereRef('r.contact_id', '=', 'c.id')
          .where('r.workspace_id', '=', workspaceId)
          .as('last_responded_at'),
      (eb) =>
        eb
          .selectFrom('invitations as i')
          .select(sql<Date | null>`min(i.send_at)`.as('m'))
          .whereRef('i.contact_id', '=', 'c.id')
          .where('i.workspace_id', '=', workspaceId)
          .where('i.status', '=', 'scheduled')
          .as('next_survey_scheduled_at'),
    ])
    .where('c.workspace_id', '=', workspaceId);
}

export type PersonRow = Awaited<
  ReturnType<ReturnType<typeof selectPeople>['executeTakeFirstOrThrow']>
>;

export interface PeopleFilter {
  since?: Date | undefined;
  until?: Date | undefined;
  email?: string | undefined;
  phoneNumber?: string | undefined;
  after?: { createdAt: Date; id: string } | undefined;
  limit: number;
}

/** One cursor page of people, oldest first. */
export async function findPeoplePage(db: Kysely<Database>, workspaceId: string, f: PeopleFilter) {
  let q = selectPeople(db, workspaceId);
  if (f.since) {
    q = q.where('c.created_at', '>=', f.since);
  }
  if (f.until) {
    q = q.where('c.created_at', '<=', f.until);
  }
  if (f.email) {
    q = q.where(sql<string>`lower(c.email)`, '=', f.email.toLowerCase());
  }
  if (f.phoneNumber) {
    q = q.where('c.phone_number', '=', f.phoneNumber);
  }
  if (f.after) {
    q = q.where(afterCursor(f.after, '>', 'c'));
  }
  return q.orderBy('c.created_at').orderBy('c.id').limit(f.limit).execute();
}

export async function findPersonById(db: Kysely<Database>, workspaceId: string, id: string) {
  return selectPeople(db, workspaceId).where('c.id', '=', id).executeTakeFirst();
}

/** Cancels the contact's invitations that have not gone out yet; returns how many. */
export async function cancelScheduledInvitations(
  db: Kysely<Database>,
  workspaceId: string,
  contactId: string,
): Promise<number> {
  const result = await db
    .updateTable('invitations')
    .set({ status: 'cancelled', skip_reason: 'cancelled_by_api' })
    .where('workspace_id', '=', workspaceId)
    .where('contact_id', '=', contactId)
    .where('status', '=', 'scheduled')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export interface SuppressedPage {
  kind: 'unsubscribed' | 'bounced';
  since?: Date | undefined;
  until?: Date | undefined;
  page: number;
  perPage: number;
}

/** Unsubscribed or bounced contacts, oldest suppression first, one page by number. */
export async function findSuppressedPage(
  db: Kysely<Database>,
  workspaceId: string,
  p: SuppressedPage,
) {
  const at = p.kind === 'unsubscribed' ? 'unsubscribed_at' : 'bounced_at';
  let q = db
    .selectFrom('contacts')
    .select(['id', 'email', 'name', 'phone_number', `${at} as at`])
    .where('workspace_id', '=', workspaceId)
    .where(at, 'is not', null);
  if (p.since) {
    q = q.where(at, '>=', p.since);
  }
  if (p.until) {
    q = q.where(at, '<=', p.until);
  }
  return q
    .orderBy(at)
    .orderBy('id')
    .limit(p.perPage)
    .offset((p.page - 1) * p.perPage)
    .execute();
}

/** The survey the workspace chose for Delighted requests, null when it leaves the choice to Glas. */
export async function findChosenDelightedSurveyId(
  db: Kysely<Database>,
  workspaceId: string,
): Promise<string | null> {
  const row = await db
    .selectFrom('workspaces')
    .select('delighted_survey_id')
    .where('id', '=', workspaceId)
    .executeTakeFirst();
  return row?.delighted_survey_id ?? null;
}
