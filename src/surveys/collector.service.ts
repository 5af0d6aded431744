import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database, SurveyKind } from '../../db/schema';
import type { Clock } from '../clock';
import { AppError, NotFoundError, ValidationError } from '../errors';
import { resolveLocale } from './i18n';
import type { Locale } from './i18n/types';
import { findInvitationByTokenHash } from './invitation.repository';
import { isValidScore, SCALES } from './scales';
import { resolveTexts } from './texts';
import type { ResolvedTexts } from './texts';
import { hashToken } from './tokens';

export class SurveyGoneError extends AppError {
  override name = 'SurveyGoneError';
  constructor(readonly locale: Locale) {
    super(410, 'survey_closed', 'This survey is closed or its link has expired.');
  }
}

export class InvalidScoreError extends ValidationError {
  override name = 'InvalidScoreError';
  constructor(
    readonly locale: Locale,
    kind: SurveyKind,
  ) {
    const { min, max } = SCALES[kind];
    super([
      { field: 'score', issue: `must be a whole number from ${min} to ${max}`, location: 'params' },
    ]);
  }
}

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{20,100}$/;

export interface OpenInvitation {
  invitationId: string;
  workspaceId: string;
  surveyId: string;
  contactId: string | null;
  kind: SurveyKind;
  locale: Locale;
  texts: ResolvedTexts;
  response: { score: number; comment: string | null } | null;
}

/** Finds the invitation behind a survey link; 404 for unknown tokens, 410 once closed or expired. */
export async function openInvitation(
  db: Kysely<Database>,
  clock: Clock,
  token: string,
): Promise<OpenInvitation> {
  if (!TOKEN_SHAPE.test(token)) {
    throw new NotFoundError('survey_link_not_found', 'This survey link does not exist.');
  }
  const row = await findInvitationByTokenHash(db, hashToken(token));
  if (!row) {
    throw new NotFoundError('survey_link_not_found', 'This survey link does not exist.');
  }
  const locale = resolveLocale(row.locale, 'en');
  const expired = row.expires_at !== null && row.expires_at <= clock.now();
  if (row.survey_status === 'closed' || expired) {
    throw new SurveyGoneError(locale);
  }
  const response = await db
    .selectFrom('responses')
    .select(['score', 'comment'])
    .where('invitation_id', '=', row.id)
    .where('workspace_id', '=', row.workspace_id)
    .executeTakeFirst();
  return {
    invitationId: row.id,
    workspaceId: row.workspace_id,
    surveyId: row.survey_id,
    contactId: row.contact_id,
    kind: row.kind,
    locale,
    texts: resolveTexts(row.kind, row.texts, locale, row.company_name ?? row.workspace_name),
    response: response ?? null,
  };
}

/** Parses a score from a URL segment or form field; anything but an in-range integer is refused. */
export function parseScore(open: OpenInvitation, raw: unknown): number {
  const score = typeof raw === 'string' && /^\d{1,2}$/.test(raw) ? Number(raw) : NaN;
  if (!isValidScore(open.kind, score)) {
    throw new InvalidScoreError(open.locale, open.kind);
  }
  return score;
}

/**
 * Stores the answer: one row per invitation, enforced by the unique index. A second click
 * or a changed score updates that row; a comment given as `undefined` keeps the old one.
 */
export async function recordAnswer(
  db: Kysely<Database>,
  clock: Clock,
  open: OpenInvitation,
  answer: { score: number; comment?: string | undefined },
): Promise<void> {
  const now = clock.now();
  const comment = answer.comment === undefined ? undefined : answer.comment.trim() || null;
  await db.transaction().execute(async (trx) => {
    const segment = await trx
      .selectFrom('invitations')
      .select('segment')
      .where('id', '=', open.invitationId)
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('responses')
      .values({
        workspace_id: open.workspaceId,
        survey_id: open.surveyId,
        invitation_id: open.invitationId,
        contact_id: open.contactId,
        score: answer.score,
        comment: comment ?? null,
        locale: open.locale,
        segment: JSON.stringify(segment.segment),
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) =>
        oc.column('invitation_id').doUpdateSet({
          score: answer.score,
          ...(comment === undefined ? {} : { comment: sql`excluded.comment` }),
          updated_at: now,
        }),
      )
      .execute();
    await trx
      .updateTable('invitations')
      .set({ answered_at: now })
      .where('id', '=', open.invitationId)
      .where('answered_at', 'is', null)
      .execute();
  });
}

/** One-click unsubscribe (RFC 8058): idempotent, keyed by the invitation token. */
export async function unsubscribeByToken(db: Kysely<Database>, clock: Clock, token: string) {
  if (!TOKEN_SHAPE.test(token)) {
    throw new NotFoundError('survey_link_not_found', 'This link does not exist.');
  }
  const row = await findInvitationByTokenHash(db, hashToken(token));
  if (!row?.contact_id) {
    throw new NotFoundError('survey_link_not_found', 'This link does not exist.');
  }
  await db
    .updateTable('contacts')
    .set({ unsubscribed_at: clock.now() })
    .where('id', '=', row.contact_id)
    .where('workspace_id', '=', row.workspace_id)
    .where('unsubscribed_at', 'is', null)
    .execute();
  return { locale: resolveLocale(row.locale, 'en') };
}

export async function localeForToken(db: Kysely<Database>, token: string): Promise<Locale | null> {
  if (!TOKEN_SHAPE.test(token)) {
    return null;
  }
  const row = await findInvitationByTokenHash(db, hashToken(token));
  return row ? resolveLocale(row.locale, 'en') : null;
}
