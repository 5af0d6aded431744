import type { Kysely } from 'kysely';
import type { Database, Invitation, NewInvitation } from '../../db/schema';

/** Inserts the invitation unless this event already produced one for this survey. */
export async function insertInvitation(
  db: Kysely<Database>,
  values: NewInvitation,
): Promise<Invitation | undefined> {
  return db
    .insertInto('invitations')
    .values(values)
    .onConflict((oc) => oc.columns(['survey_id', 'event_id']).doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function insertOutboxRow(
  db: Kysely<Database>,
  row: { workspaceId: string; invitationId: string; availableAt: Date },
): Promise<void> {
  await db
    .insertInto('outbox')
    .values({
      workspace_id: row.workspaceId,
      topic: 'send-invitation',
      aggregate_id: row.invitationId,
      available_at: row.availableAt,
    })
    .execute();
}

export async function findInvitationById(db: Kysely<Database>, workspaceId: string, id: string) {
  return db
    .selectFrom('invitations')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/**
 * Claims a scheduled invitation for sending (the idempotency guard for the send job):
 * only one caller gets the row back; everyone else sees it already taken.
 */
export async function claimInvitation(
  db: Kysely<Database>,
  workspaceId: string,
  id: string,
  tokenHash: string,
  now: Date,
): Promise<Invitation | undefined> {
  return db
    .updateTable('invitations')
    .set((eb) => ({
      status: 'sending',
      claimed_at: now,
      token_hash: tokenHash,
      attempts: eb('attempts', '+', 1),
    }))
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .where('status', '=', 'scheduled')
    .returningAll()
    .executeTakeFirst();
}

export async function markInvitation(
  db: Kysely<Database>,
  id: string,
  from: Invitation['status'],
  values: Partial<
    Pick<Invitation, 'status' | 'sent_at' | 'message_id' | 'last_error' | 'skip_reason'>
  >,
): Promise<boolean> {
  const result = await db
    .updateTable('invitations')
    .set(values)
    .where('id', '=', id)
    .where('status', '=', from)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function findInvitationByTokenHash(db: Kysely<Database>, tokenHash: string) {
  return db
    .selectFrom('invitations')
    .innerJoin('surveys', 'surveys.id', 'invitations.survey_id')
    .innerJoin('workspaces', 'workspaces.id', 'invitations.workspace_id')
    .select([
      'invitations.id',
      'invitations.workspace_id',
      'invitations.survey_id',
      'invitations.contact_id',
      'invitations.status',
      'invitations.locale',
      'invitations.segment',
      'invitations.expires_at',
      'surveys.kind',
      'surveys.status as survey_status',
      'surveys.texts',
      'workspaces.company_name',
      'workspaces.name as workspace_name',
    ])
    .where('invitations.token_hash', '=', tokenHash)
    .executeTakeFirst();
}
