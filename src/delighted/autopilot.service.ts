import { sql } from 'kysely';
import type { EmailHasher } from '../platform/keyed-hash';
import type { Kysely } from 'kysely';
import type { AutopilotPlatform, Contact, Database } from '../../db/schema';
import type { Clock } from '../clock';
import { NotFoundError, ValidationError } from '../errors';
import type { Logger } from '../logger';
import { ensureContact } from '../contacts/contact.service';
import { updateContactById } from '../contacts/contact.repository';
import { afterCursor, decodeCursor, encodeCursor } from '../platform/cursor';
import { getWorkspace } from '../workspaces/workspace.service';
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

async function findConfiguration(
  db: Kysely<Database>,
  workspaceId: string,
  platform: AutopilotPlatform,
) {
  return db
    .selectFrom('autopilot_configurations')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('platform', '=', platform)
    .executeTakeFirst();
}

/** GET /v1/autopilot/:platform; a platform never configured is reported inactive. */
export async function getAutopilotConfiguration(
  db: Kysely<Database>,
  workspaceId: string,
  platform: AutopilotPlatform,
) {
  const row = await findConfiguration(db, workspaceId, platform);
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
  const now = clock.now();
  await db
    .insertInto('autopilot_configurations')
    .values({
      workspace_id: workspaceId,
      platform: 'email',
      active: input.active,
      frequency_seconds: input.frequencySeconds ?? DEFAULT_FREQUENCY_SECONDS,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) =>
      oc.columns(['workspace_id', 'platform']).doUpdateSet({
        active: input.active,
        ...(input.frequencySeconds ? { frequency_seconds: input.frequencySeconds } : {}),
        updated_at: now,
      }),
    )
    .execute();
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

function membershipQuery(db: Kysely<Database>, workspaceId: string, platform: AutopilotPlatform) {
  return db
    .selectFrom('autopilot_memberships as m')
    .innerJoin('contacts as c', 'c.id', 'm.contact_id')
    .select([
      'm.id',
      'm.properties',
      'm.next_survey_at',
      'm.created_at',
      'm.updated_at',
      'c.id as contact_id',
      'c.name',
      'c.email',
      'c.phone_number',
      'c.created_at as contact_created_at',
      (eb) =>
        eb
          .selectFrom('invitations as i')
          .select(sql<Date | null>`max(i.sent_at)`.as('m'))
          .whereRef('i.contact_id', '=', 'c.id')
          .where('i.workspace_id', '=', workspaceId)
          .as('last_sent_at'),
    ])
    .where('m.workspace_id', '=', workspaceId)
    .where('m.platform', '=', platform);
}

type MembershipRow = Awaited<
  ReturnType<ReturnType<typeof membershipQuery>['executeTakeFirstOrThrow']>
>;

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
  let query = membershipQuery(db, workspaceId, platform);
  if (q.person_id) {
    query = /^[0-9a-f-]{36}$/i.test(q.person_id)
      ? query.where('c.id', '=', q.person_id)
      : query.where(sql<boolean>`false`);
  }
  if (q.person_email) {
    query = query.where(sql<string>`lower(c.email)`, '=', q.person_email.toLowerCase());
  }
  if (q.person_phone_number) {
    query = query.where('c.phone_number', '=', q.person_phone_number);
  }
  const after = q.page_info ? decodeCursor(q.page_info) : undefined;
  if (after) {
    query = query.where(afterCursor(after, '>', 'm'));
  }
  const rows = await query
    .orderBy('m.created_at')
    .orderBy('m.id')
    .limit(q.per_page + 1)
    .execute();
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
      (await updateContactById(trx, workspaceId, contact.id, {
        name: body.person_name,
        updated_at: now,
      })) ?? contact
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
    await trx
      .insertInto('autopilot_configurations')
      .values({ workspace_id: workspaceId, platform, created_at: now, updated_at: now })
      .onConflict((oc) => oc.columns(['workspace_id', 'platform']).doNothing())
      .execute();
    await trx
      .insertInto('autopilot_memberships')
      .values({
        workspace_id: workspaceId,
        platform,
        contact_id: contact.id,
        properties: JSON.stringify(body.properties),
        next_survey_at: now,
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) =>
        oc.columns(['workspace_id', 'platform', 'contact_id']).doUpdateSet({
          properties: JSON.stringify(body.properties),
          updated_at: now,
        }),
      )
      .execute();
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
  const removed = await db
    .deleteFrom('autopilot_memberships')
    .where('workspace_id', '=', workspaceId)
    .where('platform', '=', platform)
    .where('contact_id', '=', contact.id)
    .executeTakeFirst();
  if (removed.numDeletedRows === 0n) {
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
      const due = await trx
        .selectFrom('autopilot_memberships as m')
        .innerJoin('autopilot_configurations as a', (j) =>
          j.onRef('a.workspace_id', '=', 'm.workspace_id').onRef('a.platform', '=', 'm.platform'),
        )
        .select(['m.id', 'm.workspace_id', 'm.contact_id', 'm.properties', 'a.frequency_seconds'])
        .where('a.active', '=', true)
        .where('m.platform', '=', 'email')
        .where('m.next_survey_at', '<=', now)
        .orderBy('m.next_survey_at')
        .limit(1)
        .forUpdate('m')
        .skipLocked()
        .executeTakeFirst();
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
      await trx
        .updateTable('autopilot_memberships')
        .set({
          next_survey_at: next,
          updated_at: now,
          ...(invitation ? { last_invitation_id: invitation.id } : {}),
        })
        .where('id', '=', due.id)
        .execute();
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
