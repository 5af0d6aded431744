import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { afterCursor } from '../platform/cursor';
import type { AutopilotPlatform, Database, JsonObject } from '../../db/schema';

// Autopilot: one configuration per workspace and platform, one membership per person.

export async function findAutopilotConfiguration(
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

/** Creates or updates the email configuration; a frequency left undefined keeps the stored one. */
export async function upsertAutopilotConfiguration(
  db: Kysely<Database>,
  workspaceId: string,
  c: { active: boolean; frequencySeconds: number | undefined; defaultFrequencySeconds: number },
  now: Date,
): Promise<void> {
  await db
    .insertInto('autopilot_configurations')
    .values({
      workspace_id: workspaceId,
      platform: 'email',
      active: c.active,
      frequency_seconds: c.frequencySeconds ?? c.defaultFrequencySeconds,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) =>
      oc.columns(['workspace_id', 'platform']).doUpdateSet({
        active: c.active,
        ...(c.frequencySeconds ? { frequency_seconds: c.frequencySeconds } : {}),
        updated_at: now,
      }),
    )
    .execute();
}

/** Creates the configuration with the table's defaults unless there is one. */
export async function insertAutopilotConfigurationIfMissing(
  db: Kysely<Database>,
  workspaceId: string,
  platform: AutopilotPlatform,
  now: Date,
): Promise<void> {
  await db
    .insertInto('autopilot_configurations')
    .values({ workspace_id: workspaceId, platform, created_at: now, updated_at: now })
    .onConflict((oc) => oc.columns(['workspace_id', 'platform']).doNothing())
    .execute();
}

/** Adds the person with a survey due now, or replaces a member's properties. */
export async function upsertAutopilotMembership(
  db: Kysely<Database>,
  m: {
    workspaceId: string;
    platform: AutopilotPlatform;
    contactId: string;
    properties: JsonObject;
    now: Date;
  },
): Promise<void> {
  await db
    .insertInto('autopilot_memberships')
    .values({
      workspace_id: m.workspaceId,
      platform: m.platform,
      contact_id: m.contactId,
      properties: JSON.stringify(m.properties),
      next_survey_at: m.now,
      created_at: m.now,
      updated_at: m.now,
    })
    .onConflict((oc) =>
      oc.columns(['workspace_id', 'platform', 'contact_id']).doUpdateSet({
        properties: JSON.stringify(m.properties),
        updated_at: m.now,
      }),
    )
    .execute();
}

/** Returns whether there was a membership to delete. */
export async function deleteAutopilotMembership(
  db: Kysely<Database>,
  workspaceId: string,
  platform: AutopilotPlatform,
  contactId: string,
): Promise<boolean> {
  const removed = await db
    .deleteFrom('autopilot_memberships')
    .where('workspace_id', '=', workspaceId)
    .where('platform', '=', platform)
    .where('contact_id', '=', contactId)
    .executeTakeFirst();
  return removed.numDeletedRows > 0n;
}

function selectMemberships(db: Kysely<Database>, workspaceId: string, platform: AutopilotPlatform) {
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

export type MembershipRow = Awaited<
  ReturnType<ReturnType<typeof selectMemberships>['executeTakeFirstOrThrow']>
>;

export interface MembershipFilter {
  contactId?: string | undefined;
  email?: string | undefined;
  phoneNumber?: string | undefined;
  after?: { createdAt: Date; id: string } | undefined;
  limit: number;
}

/** One cursor page of memberships, oldest first. */
export async function findMembershipsPage(
  db: Kysely<Database>,
  workspaceId: string,
  platform: AutopilotPlatform,
  f: MembershipFilter,
): Promise<MembershipRow[]> {
  let q = selectMemberships(db, workspaceId, platform);
  if (f.contactId) {
    q = q.where('c.id', '=', f.contactId);
  }
  if (f.email) {
    q = q.where(sql<string>`lower(c.email)`, '=', f.email.toLowerCase());
  }
  if (f.phoneNumber) {
    q = q.where('c.phone_number', '=', f.phoneNumber);
  }
  if (f.after) {
    q = q.where(afterCursor(f.after, '>', 'm'));
  }
  return q.orderBy('m.created_at').orderBy('m.id').limit(f.limit).execute();
}

/**
 * The membership that fell due first among active email configurations, locked for the
 * caller's transaction; SKIP LOCKED lets a second scheduler take the next one instead.
 */
export async function lockNextDueMembership(db: Kysely<Database>, now: Date) {
  return db
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
}

export async function setNextSurveyAt(
  db: Kysely<Database>,
  id: string,
  next: Date,
  now: Date,
  invitationId: string | null,
): Promise<void> {
  await db
    .updateTable('autopilot_memberships')
    .set({
      next_survey_at: next,
      updated_at: now,
      ...(invitationId ? { last_invitation_id: invitationId } : {}),
    })
    .where('id', '=', id)
    .execute();
}
