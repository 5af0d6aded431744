import type { EmailHasher } from '../platform/keyed-hash';
import type { Kysely } from 'kysely';
import type { AutopilotPlatform, Contact, Database } from '../../db/schema';
import type { Clock } from '../clock';
import { NotFoundError, ValidationError } from '../errors';
import type { Logger } from '../logger';
import { ensureContact, updateContactDetails } from '../contacts/contact.service';
import { decodeCursor, encodeCursor } from '../platform/cursor';
import { getWorkspace } from '../workspaces/workspace.service';
import {
  deleteAutopilotMembership,
  findAutopilotConfiguration,
  findMembershipsPage,
  insertAutopilotConfigurationIfMissing,
  lockNextDueMembership,
  setNextSurveyAt,
  upsertAutopilotConfiguration,
  upsertAutopilotMembership,
} from './autopilot.repository';
import type { MembershipRow } from './autopilot.repository';
import { findDelightedSurvey } from './delighted.repository';
import type { ListMembershipsQuery, MembershipBody } from './delighted.schemas';
import { requestSurvey, resolvePerson, unix } from './person.service';
import type { PersonIdentifier } from './person.service';

/** Delighted's Autopilot default when none was configured: every 90 days. */
export const DEFAULT_FREQUENCY_SECONDS = 90 * 86_400;

const emailOnly = (platform: AutopilotPlatform) => {
  if (platform !== 'email') {
    throw new ValidationError([
      { field: 'platform', issue: 'Glas runs Autopilot by email only', location: 'params' },
    ]);
  }
};

/** GET /v1/autopilot/:platform; a platform never configured is reported inactive. */
export async function getAutopilotConfiguration(
  db: Kysely<Database>,
  workspaceId: string,
  platform: AutopilotPlatform,
) {
  const row = await findAutopilotConfiguration(db, workspaceId, platform);
  return {
    platform_id: platform,
    active: row?.active ?? false,
    frequency: row?.frequency_seconds ?? DEFAULT_FREQUENCY_SECONDS,
    created_at: unix(row?.created_at),
    updated_at: unix(row?.updated_at),
  };
}

/** Turns Autopilot on or off and sets its frequency (Glas's settings API; Delighted had a UI). */
export async function configureAutopilot(
  db: Kysely<Database>,
  clock: Clock,
  workspaceId: string,
  input: { active: boolean; frequencySeconds?: number | undefined },
) {
  await upsertAutopilotConfiguration(
    db,
    workspaceId,
    {
      active: input.active,
      frequencySeconds: input.frequencySeconds,
      defaultFrequencySeconds: DEFAULT_FREQUENCY_SECONDS,
    },
    clock.now(),
  );
  return getAutopilotConfiguration(db, workspaceId, 'email');
}

function personDto(
  c: Pick<Contact, 'id' | 'name' | 'email' | 'phone_number' | 'created_at'>,
  lastSentAt: Date | null,
) {
  return {
    id: c.id,
    name: c.name,
    email: c.email,
    phone_number: c.phone_number,
    created_at: unix(c.created_at),
    last_sent_at: unix(lastSentAt),
  };
}

function toMembershipDto(m: MembershipRow) {
  return {
    created_at: unix(m.created_at),
    updated_at: unix(m.updated_at),
    person: personDto(
      {
        id: m.contact_id,
        name: m.name,
        email: m.email,
        phone_number: m.phone_number,
        created_at: m.contact_created_at,
      },
      m.last_sent_at,
    ),
    next_survey_request: {
      id: m.id,
      created_at: unix(m.updated_at),
      survey_scheduled_at: unix(m.next_survey_at),
      properties: m.properties,
    },
  };
}

export async function listMemberships(
  db: Kysely<Database>,
  workspaceId: string,
  platform: AutopilotPlatform,
  q: ListMembershipsQuery,
) {
  const after = q.page_info ? decodeCursor(q.page_info) : undefined;
  if (q.person_id && !/^[0-9a-f-]{36}$/i.test(q.person_id)) {
    // Not one of our ids: no member can match it.
    return { memberships: [], next: null };
  }
  const rows = await findMembershipsPage(db, workspaceId, platform, {
    contactId: q.person_id,
    email: q.person_email,
    phoneNumber: q.person_phone_number,
    after,
    limit: q.per_page + 1,
  });
  const page = rows.slice(0, q.per_page);
  const last = page.at(-1);
  return {
    memberships: page.map(toMembershipDto),
    next: rows.length > q.per_page && last ? encodeCursor(last.created_at, last.id) : null,
  };
}

/** The person a membership request names; by email it is created when unknown. */
async function personFor(
  trx: Kysely<Database>,
  workspaceId: string,
  body: MembershipBody,
  now: Date,
  hashEmail: EmailHasher,
): Promise<Contact> {
  if (body.person_email) {
    const { contact } = await ensureContact(
      trx,
      workspaceId,
      { email: body.person_email, name: body.person_name },
      now,
      hashEmail,
    );
    return contact;
  }
  const ident: PersonIdentifier | undefined = body.person_id
    ? { id: body.person_id }
    : body.person_phone_number
      ? { phone_number: body.person_phone_number }
      : undefined;
  if (!ident) {
    throw new ValidationError([
      { field: 'person_email', issue: "can't be blank", location: 'body' },
    ]);
  }
  const contact = await resolvePerson(trx, workspaceId, ident);
  if (body.person_name) {
    return (
      (await updateContactDetails(trx, workspaceId, contact.id, { name: body.person_name }, now)) ??
      contact
    );
  }
  return contact;
}

/**
 * POST /v1/autopilot/email/memberships: adds the person (first survey due now) or, for a
 * member, replaces the properties. The first membership switches Autopilot on when it was
 * never configured, as adding people to Delighted's Autopilot presumes it runs.
 */
export async function addMembership(
  db: Kysely<Database>,
  clock: Clock,
  workspaceId: string,
  platform: AutopilotPlatform,
  body: MembershipBody,
  hashEmail: EmailHasher,
) {
  emailOnly(platform);
  const now = clock.now();
  return db.transaction().execute(async (trx) => {
    const contact = await personFor(trx, workspaceId, body, now, hashEmail);
    await insertAutopilotConfigurationIfMissing(trx, workspaceId, platform, now);
    await upsertAutopilotMembership(trx, {
      workspaceId,
      platform,
      contactId: contact.id,
      properties: body.properties,
      now,
    });
    return { person: personDto(contact, null), properties: body.properties };
  });
}

export async function removeMembership(
  db: Kysely<Database>,
  workspaceId: string,
  platform: AutopilotPlatform,
  ident: PersonIdentifier,
) {
  const contact = await resolvePerson(db, workspaceId, ident);
  if (!(await deleteAutopilotMembership(db, workspaceId, platform, contact.id))) {
    throw new NotFoundError('membership_not_found', 'This person is not in Autopilot.');
  }
  return { person: personDto(contact, null) };
}

/**
 * The Autopilot scheduler: every membership that fell due gets a survey request through
 * the normal eligibility path, and its next one is set a frequency later. Rows are claimed
 * with SKIP LOCKED, one transaction each, so two schedulers never survey a person twice.
 */
export async function runAutopilot(
  deps: { db: Kysely<Database>; clock: Clock; logger?: Logger },
  batch = 200,
): Promise<{ requested: number; skipped: number }> {
  let requested = 0;
  let skipped = 0;
  for (let i = 0; i < batch; i++) {
    const outcome = await deps.db.transaction().execute(async (trx) => {
      const now = deps.clock.now();
      const due = await lockNextDueMembership(trx, now);
      if (!due) {
        return 'none' as const;
      }
      const survey = await findDelightedSurvey(trx, due.workspace_id);
      const next = new Date(now.getTime() + due.frequency_seconds * 1000);
      const invitation = survey
        ? await requestSurvey(trx, {
            workspace: await getWorkspace(trx, due.workspace_id),
            survey,
            contactId: due.contact_id,
            type: 'delighted.autopilot',
            properties: due.properties,
            now,
          })
        : null;
      await setNextSurveyAt(trx, due.id, next, now, invitation?.id ?? null);
      return invitation ? ('requested' as const) : ('skipped' as const);
    });
    if (outcome === 'none') {
      break;
    }
    if (outcome === 'requested') {
      requested++;
    } else {
      skipped++;
    }
  }
  deps.logger?.debug({ requested, skipped }, 'autopilot run');
  return { requested, skipped };
}
