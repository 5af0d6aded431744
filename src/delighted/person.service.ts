import type { Kysely } from 'kysely';
import type { EmailHasher } from '../platform/keyed-hash';
import type { Contact, Database, JsonObject, Survey, Workspace } from '../../db/schema';
import type { CreateEventBody } from '../dispatch/event.schemas';
import type { Clock } from '../clock';
import { NotFoundError, UnprocessableError, ValidationError } from '../errors';
import {
  changeContact,
  ensureContact,
  eraseContact,
  findContactRow,
  updateContactDetails,
} from '../contacts/contact.service';
import type { UpdateContactBody } from '../contacts/contact.schemas';
import { decodeCursor, encodeCursor } from '../platform/cursor';
import { inviteForSurveys, recordContactEvent } from '../dispatch/event.service';
import { getWorkspace } from '../workspaces/workspace.service';
import {
  cancelScheduledInvitations,
  findContactByEmail,
  findContactByPhone,
  findDelightedSurvey,
  findPeoplePage,
  findPersonById,
  setContactPhone,
} from './delighted.repository';
import type { PersonRow } from './delighted.repository';
import type { CreatePersonBody, ListPeopleQuery, UpdatePersonBody } from './delighted.schemas';

export const unix = (d: Date | null | undefined): number | null =>
  d ? Math.floor(d.getTime() / 1000) : null;

export function toPersonDto(row: PersonRow) {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    phone_number: row.phone_number,
    created_at: unix(row.created_at),
    last_sent_at: unix(row.last_sent_at),
    last_responded_at: unix(row.last_responded_at),
    next_survey_scheduled_at: unix(row.next_survey_scheduled_at),
  };
}

/** Delighted properties with a meaning of their own; the rest are stored on the contact. */
const SPECIAL = {
  question_product_name: 'company',
  delighted_email_subject: 'emailSubject',
  delighted_intro_message: 'emailIntro',
  thank_you_message: 'thankYouBody',
} as const;

function splitProperties(properties: JsonObject) {
  const overrides: JsonObject = {};
  const rest: JsonObject = {};
  let locale: string | undefined;
  for (const [key, value] of Object.entries(properties)) {
    if (key in SPECIAL && typeof value === 'string' && value.trim()) {
      overrides[SPECIAL[key as keyof typeof SPECIAL]] = value.trim();
    } else if (key === 'locale' && typeof value === 'string') {
      locale = value;
    } else {
      rest[key] = value;
    }
  }
  return { overrides: Object.keys(overrides).length ? overrides : null, rest, locale };
}

const invalid = (field: string, issue: string) =>
  new ValidationError([{ field, issue, location: 'body' }]);

/** Finds the contact a Delighted person request names, creating it by email if needed. */
async function upsertPersonContact(
  trx: Kysely<Database>,
  workspaceId: string,
  body: CreatePersonBody,
  props: ReturnType<typeof splitProperties>,
  now: Date,
  hashEmail: EmailHasher,
): Promise<{ contact: Contact; created: boolean }> {
  const byPhone = body.phone_number
    ? await findContactByPhone(trx, workspaceId, body.phone_number)
    : undefined;
  let email = body.email ?? byPhone?.email;
  if (!email) {
    throw invalid(
      'email',
      "can't be blank: Glas has no SMS channel, so a new person needs an email address (nothing was stored)",
    );
  }
  const existing = body.email ? await findContactByEmail(trx, workspaceId, body.email) : byPhone;
  if (body.email_update && existing) {
    const taken = await findContactByEmail(trx, workspaceId, body.email_update);
    if (taken && taken.id !== existing.id) {
      throw invalid('email_update', 'has already been taken');
    }
    email = body.email_update;
    await updateContactDetails(trx, workspaceId, existing.id, { email }, now);
  }
  const ensured = await ensureContact(
    trx,
    workspaceId,
    { email, name: body.name, locale: props.locale, properties: props.rest },
    now,
    hashEmail,
  );
  let contact = ensured.contact;
  const created = ensured.created;
  const phone = body.phone_number_update ?? body.phone_number;
  if (phone && phone !== contact.phone_number) {
    const holder = await findContactByPhone(trx, workspaceId, phone);
    if (holder && holder.id !== contact.id) {
      throw invalid(
        body.phone_number_update ? 'phone_number_update' : 'phone_number',
        'has already been taken',
      );
    }
    contact = await setContactPhone(trx, workspaceId, contact.id, phone, now);
  }
  return { contact, created };
}

/**
 * One Delighted survey request: an event row plus the invitation the eligibility rules allow
 * (the same path as POST /api/events). Returns the scheduled invitation, or null when the
 * rules skipped it (quiet period, unsubscribed, sampling, quota…).
 */
export async function requestSurvey(
  trx: Kysely<Database>,
  r: {
    workspace: Workspace;
    survey: Survey;
    contactId: string;
    type: string;
    properties: JsonObject;
    delaySeconds?: number | undefined;
    lastSentAt?: Date | undefined;
    now: Date;
  },
): Promise<{ id: string; sendAt: Date } | null> {
  const props = splitProperties(r.properties);
  const { contact, event, lastLiveAt } = await recordContactEvent(trx, {
    workspaceId: r.workspace.id,
    contactId: r.contactId,
    type: r.type,
    properties: props.rest,
    now: r.now,
  });
  const { invitations } = await inviteForSurveys(trx, {
    workspace: r.workspace,
    contact,
    lastLiveAt,
    event,
    surveys: [r.survey],
    input: {
      type: r.type,
      contact: { email: contact.email },
      properties: props.rest as CreateEventBody['properties'],
    },
    eventIdentity: event.id,
    now: r.now,
    delaySeconds: r.delaySeconds,
    textOverrides: props.overrides,
    lastSentAt: r.lastSentAt ?? null,
  });
  const scheduled = invitations.find((i) => i.status === 'scheduled');
  return scheduled ? { id: scheduled.id, sendAt: new Date(scheduled.sendAt) } : null;
}

/**
 * POST /v1/people: upserts the person and, unless `send` is false, asks for a survey of the
 * workspace's Delighted survey through the same eligibility rules as events. A person inside
 * the quiet period (Delighted's throttling) is stored and returned, but not surveyed.
 */
export async function createPerson(
  db: Kysely<Database>,
  clock: Clock,
  workspaceId: string,
  body: CreatePersonBody,
  hashEmail: EmailHasher,
) {
  const now = clock.now();
  const workspace = await getWorkspace(db, workspaceId);
  const survey = body.send ? await findDelightedSurvey(db, workspaceId) : undefined;
  if (body.send && !survey) {
    throw new UnprocessableError(
      'no_delighted_survey',
      'This workspace has no active NPS survey for Delighted survey requests.',
      [
        {
          field: 'survey',
          issue:
            'no active NPS survey; create and launch one, or choose one with PUT /api/delighted/settings',
          location: 'body',
        },
      ],
    );
  }
  const props = splitProperties(body.properties);
  const outcome = await db.transaction().execute(async (trx) => {
    const { contact, created } = await upsertPersonContact(
      trx,
      workspaceId,
      body,
      props,
      now,
      hashEmail,
    );
    const scheduled = survey
      ? await requestSurvey(trx, {
          workspace,
          survey,
          contactId: contact.id,
          type: 'delighted.survey_request',
          properties: body.properties,
          delaySeconds: body.delay,
          lastSentAt: body.last_sent_at,
          now,
        })
      : null;
    return { contact, created, scheduledAt: scheduled?.sendAt ?? null };
  });
  const { contact } = outcome;
  return {
    created: outcome.created,
    person: {
      id: contact.id,
      email: contact.email,
      name: contact.name,
      phone_number: contact.phone_number,
      survey_scheduled_at: unix(outcome.scheduledAt),
      properties: body.properties,
    },
  };
}

/**
 * PUT /v1/people (Node's `person.save()`): sets the person's email, name, phone number and
 * properties (merged). It never asks for a survey; POST /v1/people does that.
 */
export async function updatePerson(
  db: Kysely<Database>,
  clock: Clock,
  workspaceId: string,
  ident: PersonIdentifier,
  body: UpdatePersonBody,
) {
  const contact = await resolvePerson(db, workspaceId, ident);
  const props = splitProperties(body.properties ?? {});
  await db.transaction().execute(async (trx) => {
    if (body.email && body.email.toLowerCase() !== contact.email.toLowerCase()) {
      const taken = await findContactByEmail(trx, workspaceId, body.email);
      if (taken && taken.id !== contact.id) {
        throw invalid('email', 'has already been taken');
      }
    }
    if (body.phone_number !== undefined && body.phone_number !== contact.phone_number) {
      const holder = body.phone_number
        ? await findContactByPhone(trx, workspaceId, body.phone_number)
        : undefined;
      if (holder && holder.id !== contact.id) {
        throw invalid('phone_number', 'has already been taken');
      }
      await setContactPhone(trx, workspaceId, contact.id, body.phone_number, clock.now());
    }
    await changeContact(trx, clock, workspaceId, contact.id, {
      ...(body.email ? { email: body.email } : {}),
      ...(body.name !== undefined ? { name: body.name } : {}),
      ...(props.locale ? { locale: props.locale } : {}),
      ...(body.properties ? { properties: props.rest as UpdateContactBody['properties'] } : {}),
    });
  });
  return getPerson(db, workspaceId, contact.id);
}

/** GET /v1/people: one cursor page, oldest first; `next` is the cursor of the following page. */
export async function listPeople(db: Kysely<Database>, workspaceId: string, q: ListPeopleQuery) {
  const rows = await findPeoplePage(db, workspaceId, {
    since: q.since,
    until: q.until,
    email: q.email,
    phoneNumber: q.phone_number,
    after: q.page_info ? decodeCursor(q.page_info) : undefined,
    limit: q.per_page + 1,
  });
  const page = rows.slice(0, q.per_page);
  const last = page.at(-1);
  return {
    people: page.map(toPersonDto),
    next: rows.length > q.per_page && last ? encodeCursor(last.created_at, last.id) : null,
  };
}

export type PersonIdentifier = { id: string } | { email: string } | { phone_number: string };

/** Resolves `42`, `email:…` or `phone_number:…` to the contact; 404 when unknown here. */
export async function resolvePerson(
  db: Kysely<Database>,
  workspaceId: string,
  ident: PersonIdentifier,
): Promise<Contact> {
  let row: Contact | undefined;
  if ('id' in ident) {
    row = /^[0-9a-f-]{36}$/i.test(ident.id)
      ? await findContactRow(db, workspaceId, ident.id)
      : undefined;
  } else if ('email' in ident) {
    row = await findContactByEmail(db, workspaceId, ident.email);
  } else {
    row = await findContactByPhone(db, workspaceId, ident.phone_number);
  }
  if (!row) {
    throw new NotFoundError('person_not_found', 'No such person.');
  }
  return row;
}

/** DELETE /v1/people/:ident: the right to erasure, as DELETE /api/contacts/:id does it. */
export async function erasePerson(
  db: Kysely<Database>,
  clock: Clock,
  workspaceId: string,
  ident: PersonIdentifier,
  hashEmail: EmailHasher,
) {
  const contact = await resolvePerson(db, workspaceId, ident);
  await eraseContact(db, clock, workspaceId, contact.id, hashEmail);
}

/** DELETE /v1/people/:email/survey_requests/pending: cancels surveys not sent yet. */
export async function cancelPendingSurveyRequests(
  db: Kysely<Database>,
  workspaceId: string,
  email: string,
) {
  const contact = await resolvePerson(db, workspaceId, { email });
  return cancelScheduledInvitations(db, workspaceId, contact.id);
}

export async function getPerson(db: Kysely<Database>, workspaceId: string, id: string) {
  const row = /^[0-9a-f-]{36}$/i.test(id) ? await findPersonById(db, workspaceId, id) : undefined;
  if (!row) {
    throw new NotFoundError('person_not_found', 'No such person.');
  }
  return toPersonDto(row);
}
