import type { Kysely } from 'kysely';
import type { Database, Invitation } from '../../db/schema';
import { NotFoundError, ValidationError } from '../errors';
import type { InvitationDto, ListInvitationsQuery } from './invitation.schemas';
import {
  countInvitations,
  countInvitationsWithStatus,
  findInvitationById,
  findInvitationByTokenHash as selectInvitationByTokenHash,
  listInvitations,
  listUnknownSends,
} from './invitation.repository';

export function toInvitationDto(row: Invitation): InvitationDto {
  return {
    id: row.id,
    surveyId: row.survey_id,
    contactId: row.contact_id,
    eventId: row.event_id,
    status: row.status,
    skipReason: row.skip_reason,
    locale: row.locale,
    segment: row.segment,
    sendAt: row.send_at.toISOString(),
    expiresAt: row.expires_at?.toISOString() ?? null,
    attempts: row.attempts,
    sentAt: row.sent_at?.toISOString() ?? null,
    answeredAt: row.answered_at?.toISOString() ?? null,
    lastError: row.last_error,
    reminder: row.reminder_status
      ? {
          status: row.reminder_status,
          sentAt: row.reminder_sent_at?.toISOString() ?? null,
          skipReason: row.reminder_skip_reason,
        }
      : null,
    createdAt: row.created_at.toISOString(),
  };
}

export async function findInvitations(
  db: Kysely<Database>,
  workspaceId: string,
  query: ListInvitationsQuery,
): Promise<{ data: InvitationDto[]; nextCursor: string | null }> {
  let after: { createdAt: Date; id: string } | undefined;
  if (query.cursor) {
    const anchor = await findInvitationById(db, workspaceId, query.cursor);
    if (!anchor) {
      throw new ValidationError([
        { field: 'cursor', issue: 'not a cursor from this list', location: 'query' },
      ]);
    }
    after = { createdAt: anchor.created_at, id: anchor.id };
  }
  const rows = await listInvitations(db, workspaceId, {
    ...query,
    skipReason: query.reason,
    after,
    limit: query.limit + 1,
  });
  const page = rows.slice(0, query.limit);
  return {
    data: page.map(toInvitationDto),
    nextCursor: rows.length > query.limit ? (page.at(-1)?.id ?? null) : null,
  };
}

export async function getInvitation(db: Kysely<Database>, workspaceId: string, id: string) {
  const row = await findInvitationById(db, workspaceId, id);
  if (!row) {
    throw new NotFoundError('invitation_not_found', 'Invitation not found.');
  }
  return toInvitationDto(row);
}

/** How many invitations ended how, and why the skipped ones were skipped. */
export async function invitationStats(
  db: Kysely<Database>,
  workspaceId: string,
  f: { surveyId?: string | undefined; from?: string | undefined; to?: string | undefined },
) {
  const rows = await countInvitations(db, workspaceId, {
    surveyId: f.surveyId,
    from: f.from ? new Date(f.from) : undefined,
    to: f.to ? new Date(f.to) : undefined,
  });
  const byStatus: Record<string, number> = {};
  const skippedByReason: Record<string, number> = {};
  let total = 0;
  for (const r of rows) {
    const n = Number(r.count);
    total += n;
    byStatus[r.status] = (byStatus[r.status] ?? 0) + n;
    if (r.status === 'skipped') {
      const reason = r.skip_reason ?? 'unknown';
      skippedByReason[reason] = (skippedByReason[reason] ?? 0) + n;
    }
  }
  return { total, byStatus, skippedByReason };
}

/**
 * The invitation behind a survey-link token hash (the survey page's entry point): the first
 * token on the row, or a later one (a reminder's) from invitation_tokens.
 */
export async function findInvitationByTokenHash(db: Kysely<Database>, tokenHash: string) {
  return selectInvitationByTokenHash(db, tokenHash);
}

/** Across workspaces, for /metrics: sends whose outcome is unknown, waiting for an operator. */
export async function countUnknownSends(db: Kysely<Database>): Promise<number> {
  return countInvitationsWithStatus(db, 'send_unknown');
}

/** The dashboard's list of sends waiting for an operator's choice (leave, or resend). */
export async function findUnknownSends(db: Kysely<Database>, workspaceId: string, limit = 100) {
  const rows = await listUnknownSends(db, workspaceId, limit);
  return {
    total: Number(rows[0]?.total ?? 0),
    data: rows.map((r) => ({
      id: r.id,
      surveyName: r.survey_name,
      contactEmail: r.contact_email,
      handedAt: r.handed_at,
      messageId: r.message_id,
      lastError: r.last_error,
      createdAt: r.created_at,
    })),
  };
}
