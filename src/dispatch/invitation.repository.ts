import { sql } from 'kysely';
import type { Insertable, Kysely, QueryCreator } from 'kysely';
import { afterCursor } from '../platform/cursor';
import type { Database, Invitation, NewInvitation } from '../../db/schema';

/**
 * Invitations unless the event already produced one for the survey and, for the scheduled
 * ones, their send-invitation outbox rows (available at their send time): one statement, so
 * an invitation and its hand-off are one write. With `event`, the event row goes into the
 * same statement (ids made by the caller; a CTE's rows satisfy the foreign key at its end).
 * Returns the ids of the invitations inserted.
 */
export async function insertInvitationsWithOutbox(
  db: Kysely<Database>,
  invitations: (NewInvitation & { id: string })[],
  event?: Insertable<Database['events']> & { id: string },
): Promise<Set<string>> {
  if (invitations.length === 0) {
    if (event) {
      await db.insertInto('events').values(event).execute();
    }
    return new Set();
  }
  // The `ev` CTE is never read back, so the builder is typed as if it were not there.
  const start = (
    event ? db.with('ev', (q) => q.insertInto('events').values(event).returning('id')) : db
  ) as QueryCreator<Database>;
  const rows = await start
    .with('inv', (q) =>
      q
        .insertInto('invitations')
        .values(invitations)
        .onConflict((oc) => oc.columns(['survey_id', 'event_id']).doNothing())
        .returning(['id', 'workspace_id', 'status', 'send_at']),
    )
    .with('ob', (q) =>
      q
        .insertInto('outbox')
        .columns(['workspace_id', 'topic', 'aggregate_id', 'available_at'])
        .expression((eb) =>
          eb
            .selectFrom('inv')
            .select([
              'inv.workspace_id',
              sql<string>`'send-invitation'`.as('topic'),
              'inv.id',
              'inv.send_at',
            ])
            .where('inv.status', '=', 'scheduled'),
        ),
    )
    .selectFrom('inv')
    .select('inv.id')
    .execute();
  return new Set(rows.map((r) => r.id));
}

export async function insertOutboxRow(
  db: Kysely<Database>,
  row: {
    workspaceId: string;
    invitationId: string;
    availableAt: Date;
    topic?: 'send-invitation' | 'send-reminder';
  },
): Promise<void> {
  await db
    .insertInto('outbox')
    .values({
      workspace_id: row.workspaceId,
      topic: row.topic ?? 'send-invitation',
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

export interface InvitationFilter {
  status?: Invitation['status'] | undefined;
  skipReason?: string | undefined;
  surveyId?: string | undefined;
  contactId?: string | undefined;
  eventId?: string | undefined;
  after?: { createdAt: Date; id: string } | undefined;
  limit: number;
}

export async function listInvitations(
  db: Kysely<Database>,
  workspaceId: string,
  f: InvitationFilter,
): Promise<Invitation[]> {
  let query = db.selectFrom('invitations').selectAll().where('workspace_id', '=', workspaceId);
  if (f.status) {
    query = query.where('status', '=', f.status);
  }
  if (f.skipReason) {
    query = query.where('skip_reason', '=', f.skipReason);
  }
  if (f.surveyId) {
    query = query.where('survey_id', '=', f.surveyId);
  }
  if (f.contactId) {
    query = query.where('contact_id', '=', f.contactId);
  }
  if (f.eventId) {
    query = query.where('event_id', '=', f.eventId);
  }
  if (f.after) {
    query = query.where(afterCursor(f.after));
  }
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(f.limit).execute();
}

/** Counts per status and skip reason, computed in SQL. */
export async function countInvitations(
  db: Kysely<Database>,
  workspaceId: string,
  f: { surveyId?: string | undefined; from?: Date | undefined; to?: Date | undefined },
) {
  let query = db
    .selectFrom('invitations')
    .select(['status', 'skip_reason', (eb) => eb.fn.countAll<string>().as('count')])
    .where('workspace_id', '=', workspaceId);
  if (f.surveyId) {
    query = query.where('survey_id', '=', f.surveyId);
  }
  if (f.from) {
    query = query.where('created_at', '>=', f.from);
  }
  if (f.to) {
    query = query.where('created_at', '<', f.to);
  }
  return query.groupBy(['status', 'skip_reason']).execute();
}

/** The invitation's own columns a send needs, as the claim's UPDATE returns them. */
export const CLAIMED_COLUMNS = [
  'id',
  'survey_id',
  'workspace_id',
  'contact_id',
  'locale',
  'expires_at',
  'send_at',
  'answered_at',
  'text_overrides',
] as const;

/** Everything a send needs: the claimed row with its survey, workspace and contact. */
export const SEND_COLUMNS = [
  'claimed.locale',
  'claimed.expires_at',
  'claimed.send_at',
  'claimed.answered_at',
  'claimed.text_overrides',
  'surveys.kind',
  'surveys.status as survey_status',
  'surveys.texts',
  'workspaces.name as workspace_name',
  'workspaces.company_name',
  'workspaces.default_locale',
  'contacts.id as contact_id',
  'contacts.email',
  'contacts.name',
  'contacts.unsubscribed_at',
  'contacts.bounced_at',
] as const;

/**
 * Claims a scheduled invitation for sending (the idempotency guard for the send job) and
 * reads everything the send needs, in one statement: only one caller gets the row back;
 * everyone else sees it already taken. The invitation's columns come from the UPDATE's
 * RETURNING (the row as claimed), the survey, workspace and contact from their joins.
 */
export async function claimInvitationForSend(
  db: Kysely<Database>,
  workspaceId: string,
  id: string,
  tokenHash: string,
  now: Date,
) {
  return db
    .with('claimed', (q) =>
      q
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
        .returning([...CLAIMED_COLUMNS, 'message_id']),
    )
    .selectFrom('claimed')
    .innerJoin('surveys', 'surveys.id', 'claimed.survey_id')
    .innerJoin('workspaces', 'workspaces.id', 'claimed.workspace_id')
    .leftJoin('contacts', 'contacts.id', 'claimed.contact_id')
    .select(SEND_COLUMNS)
    .select('claimed.message_id')
    .executeTakeFirst();
}

/**
 * Marks the claimed invitation as handed to SMTP, with the Message-ID it goes out with. Only
 * the claim that minted `tokenHash` may: if the claim lapsed and another worker took the row,
 * this changes nothing and the caller must not send. Unexecuted, for the hand-off lane.
 */
export function invitationHandedUpdate(
  db: Kysely<Database>,
  id: string,
  tokenHash: string,
  messageId: string,
  now: Date,
) {
  return db
    .updateTable('invitations')
    .set({ handed_at: now, message_id: messageId })
    .where('id', '=', id)
    .where('status', '=', 'sending')
    .where('token_hash', '=', tokenHash)
    .where('handed_at', 'is', null);
}

/** invitationHandedUpdate, executed: whether this claim still held the row. */
export async function markInvitationHanded(
  db: Kysely<Database>,
  id: string,
  tokenHash: string,
  messageId: string,
  now: Date,
): Promise<boolean> {
  const result = await invitationHandedUpdate(db, id, tokenHash, messageId, now).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

type InvitationMarks = Partial<
  Pick<Invitation, 'status' | 'sent_at' | 'message_id' | 'last_error' | 'skip_reason' | 'handed_at'>
>;

/** Moves the invitation on if it is in `from` (a status or statuses); unexecuted. */
export function invitationUpdate(
  db: Kysely<Database>,
  id: string,
  from: Invitation['status'] | readonly Invitation['status'][],
  values: InvitationMarks,
) {
  return db
    .updateTable('invitations')
    .set(values)
    .where('id', '=', id)
    .where('status', 'in', typeof from === 'string' ? [from] : from);
}

export async function markInvitation(
  db: Kysely<Database>,
  id: string,
  /** The status (or statuses) the row must be in for the change to apply. */
  from: Invitation['status'] | readonly Invitation['status'][],
  values: InvitationMarks,
): Promise<boolean> {
  const result = await invitationUpdate(db, id, from, values).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function insertInvitationToken(
  db: Kysely<Database>,
  row: {
    workspaceId: string;
    invitationId: string;
    tokenHash: string;
    now: Date;
    purpose?: 'reminder' | 'resent';
  },
): Promise<void> {
  await db
    .insertInto('invitation_tokens')
    .values({
      token_hash: row.tokenHash,
      workspace_id: row.workspaceId,
      invitation_id: row.invitationId,
      purpose: row.purpose ?? 'reminder',
      created_at: row.now,
    })
    .execute();
}

/** The invitation behind a link token: the first token on the row, later ones (reminders) in invitation_tokens. */
export async function findInvitationByTokenHash(db: Kysely<Database>, tokenHash: string) {
  return db
    .selectFrom('invitations')
    .innerJoin('surveys', 'surveys.id', 'invitations.survey_id')
    .innerJoin('workspaces', 'workspaces.id', 'invitations.workspace_id')
    .leftJoin('responses', (join) =>
      join
        .onRef('responses.invitation_id', '=', 'invitations.id')
        .onRef('responses.workspace_id', '=', 'invitations.workspace_id'),
    )
    .select((eb) => [
      'invitations.id',
      'invitations.workspace_id',
      'invitations.survey_id',
      'invitations.contact_id',
      'invitations.status',
      'invitations.locale',
      'invitations.segment',
      'invitations.text_overrides',
      'invitations.expires_at',
      'surveys.kind',
      'surveys.status as survey_status',
      'surveys.texts',
      'surveys.questions',
      'workspaces.company_name',
      'workspaces.name as workspace_name',
      // The answer so far, and whether anything (a webhook, a chat alert rule) subscribes to
      // changes: the survey page and its form post read all they decide from in this statement.
      'responses.score as answer_score',
      'responses.comment as answer_comment',
      'responses.status as answer_status',
      // The additional answers so far, each with its question as asked (the page shows them
      // again; a form post that keeps them announces them).
      sql<Record<string, unknown>[] | null>`(select jsonb_agg(jsonb_build_object(
          'questionId', a.question_id, 'questionVersion', a.question_version,
          'question', a.question, 'value', a.value) order by a.position)
        from response_answers a where a.response_id = responses.id)`.as('answers'),
      eb
        .or([
          eb.exists(
            eb
              .selectFrom('webhooks')
              .select(sql.lit(1).as('one'))
              .whereRef('webhooks.workspace_id', '=', 'invitations.workspace_id'),
          ),
          eb.exists(
            eb
              .selectFrom('chat_alert_rules')
              .select(sql.lit(1).as('one'))
              .whereRef('chat_alert_rules.workspace_id', '=', 'invitations.workspace_id'),
          ),
        ])
        .as('has_subscribers'),
    ])
    .where((eb) =>
      eb.or([
        eb('invitations.token_hash', '=', tokenHash),
        eb(
          'invitations.id',
          '=',
          eb
            .selectFrom('invitation_tokens')
            .select('invitation_tokens.invitation_id')
            .where('invitation_tokens.token_hash', '=', tokenHash),
        ),
      ]),
    )
    .executeTakeFirst();
}

/**
 * An operator's resend of a send_unknown invitation: back to `scheduled` (its Message-ID kept,
 * so receivers drop a second copy), the first link kept valid, and an outbox row; one
 * statement per step in the caller's transaction. Returns false unless it was send_unknown.
 */
export async function rescheduleUnknownSend(
  db: Kysely<Database>,
  workspaceId: string,
  id: string,
  now: Date,
): Promise<boolean> {
  const row = await db
    .updateTable('invitations')
    .set({ status: 'scheduled', claimed_at: null, handed_at: null, send_at: now, last_error: null })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .where('status', '=', 'send_unknown')
    .returning(['token_hash'])
    .executeTakeFirst();
  if (!row) {
    return false;
  }
  if (row.token_hash) {
    await insertInvitationToken(db, {
      workspaceId,
      invitationId: id,
      tokenHash: row.token_hash,
      now,
      purpose: 'resent',
    });
  }
  await insertOutboxRow(db, { workspaceId, invitationId: id, availableAt: now });
  return true;
}

export async function findInvitationStatus(db: Kysely<Database>, workspaceId: string, id: string) {
  return db
    .selectFrom('invitations')
    .select('status')
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function countInvitationsWithStatus(
  db: Kysely<Database>,
  status: Invitation['status'],
): Promise<number> {
  // NOTE: a system-wide figure for /metrics; every other read is scoped to one workspace.
  const row = await db
    .selectFrom('invitations')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('status', '=', status)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * A workspace's send_unknown invitations, oldest hand-off first, with whom and which survey
 * they were for, and how many there are in all (one statement: the count rides on each row).
 */
export async function listUnknownSends(db: Kysely<Database>, workspaceId: string, limit: number) {
  return db
    .selectFrom('invitations as i')
    .innerJoin('surveys as s', 's.id', 'i.survey_id')
    .leftJoin('contacts as c', 'c.id', 'i.contact_id')
    .select([
      'i.id',
      'i.handed_at',
      'i.message_id',
      'i.last_error',
      'i.created_at',
      's.name as survey_name',
      'c.email as contact_email',
    ])
    .select((eb) => eb.fn.countAll<string>().over().as('total'))
    .where('i.workspace_id', '=', workspaceId)
    .where('i.status', '=', 'send_unknown')
    .orderBy('i.handed_at', 'asc')
    .orderBy('i.id')
    .limit(limit)
    .execute();
}

/**
 * Unanswered invitations sent to `email` since `since` (or whose send was unknown) become
 * `bounced`: a provider reported later that the address refuses mail. Returns how many.
 */
export async function markSendsToAddressBounced(
  db: Kysely<Database>,
  workspaceId: string,
  email: string,
  since: Date,
  reason: string,
): Promise<number> {
  const result = await db
    .updateTable('invitations')
    .set({ status: 'bounced', last_error: reason })
    .where('workspace_id', '=', workspaceId)
    .where('status', 'in', ['sent', 'send_unknown'])
    .where('answered_at', 'is', null)
    .where((eb) => eb.or([eb('sent_at', '>=', since), eb('handed_at', '>=', since)]))
    .where(
      'contact_id',
      'in',
      db
        .selectFrom('contacts')
        .select('id')
        .where('workspace_id', '=', workspaceId)
        .where(sql<string>`lower(email)`, '=', email.toLowerCase()),
    )
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
