import type { Kysely } from 'kysely';
import type { Database, FlagReason, SurveyKind } from '../../db/schema';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import { AppError, NotFoundError, ValidationError } from '../errors';
import { resolveLocale } from '../surveys/i18n';
import type { Locale } from '../surveys/i18n/types';
import { findInvitationByTokenHash } from '../dispatch/invitation-query.service';
import { isLowScore, isValidScore, scaleHint } from '../surveys/scales';
import { unsubscribeContact } from '../contacts/suppression.service';
import { withTextOverrides } from '../surveys/text-overrides';
import { resolveTexts } from '../surveys/texts';
import type { ResolvedTexts } from '../surveys/texts';
import { applyResponseEffects } from './response-effects';
import type { EffectDeps } from './response-effects';
import {
  honeypotHitBetween,
  insertInvitationResponse,
  insertLinkFetch,
  lockResponseByInvitation,
  storeFormAnswer,
  updateResponse,
} from './response.repository';
import type { ResponseRow } from './response.repository';
import { hashToken } from '../platform/tokens';
import { localizeQuestion, storedQuestions } from '../surveys/questions';
import type { AnswerValue, Question, StoredAnswer } from '../surveys/questions';

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
    super([{ field: 'score', issue: `must be ${scaleHint(kind)}`, location: 'params' }]);
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
  response: {
    score: number;
    comment: string | null;
    /** The additional answers so far, by question id. */
    answers: Record<string, AnswerValue>;
    /** The same answers with their questions as asked. */
    stored: StoredAnswer[];
  } | null;
  /** The survey's additional questions, current version, in the contact's language. */
  questions: Question[];
  /** The answer counts (confirmed by the page or a review), not only a click in the email. */
  confirmed: boolean;
  /** Whether the workspace has webhooks or chat alerts: a change may announce something. */
  hasSubscribers: boolean;
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
  return {
    invitationId: row.id,
    workspaceId: row.workspace_id,
    surveyId: row.survey_id,
    contactId: row.contact_id,
    kind: row.kind,
    locale,
    texts: (() => {
      const o = withTextOverrides(
        row.texts,
        locale,
        row.company_name ?? row.workspace_name,
        row.text_overrides,
      );
      return resolveTexts(row.kind, o.texts, locale, o.company);
    })(),
    response:
      row.answer_score === null
        ? null
        : {
            score: row.answer_score,
            comment: row.answer_comment,
            answers: Object.fromEntries(
              ((row.answers ?? []) as unknown as StoredAnswer[]).map((a) => [
                a.questionId,
                a.value,
              ]),
            ),
            stored: (row.answers ?? []) as unknown as StoredAnswer[],
          },
    questions: storedQuestions(row.questions).map((q) => localizeQuestion(q, locale)),
    confirmed: row.answer_status === 'counted',
    hasSubscribers: Boolean(row.has_subscribers),
  };
}

/**
 * Whether a link may be answered although its address is over the per-address limit: a valid,
 * open link whose answer is not confirmed yet. Offices answer from one NAT address, and a
 * person's first answer must never be lost to it; unknown tokens and links already answered
 * stay limited (and every link keeps its own per-link limit).
 */
export async function isFirstAnswerThrough(
  db: Kysely<Database>,
  clock: Clock,
  token: string,
): Promise<boolean> {
  try {
    return !(await openInvitation(db, clock, token)).confirmed;
  } catch (err) {
    if (err instanceof AppError) {
      return false;
    }
    throw err;
  }
}

/** Parses a score from a URL segment or form field; anything but an in-range integer is refused. */
export function parseScore(open: OpenInvitation, raw: unknown): number {
  const score = typeof raw === 'string' && /^\d{1,2}$/.test(raw) ? Number(raw) : NaN;
  if (!isValidScore(open.kind, score)) {
    throw new InvalidScoreError(open.locale, open.kind);
  }
  return score;
}

export interface CollectorDeps extends EffectDeps {
  db: Kysely<Database>;
  logger?: Logger;
  config: EffectDeps['config'] & { SCANNER_WINDOW_SECONDS: number };
}

/** Runs one change to an invitation's response and its effects in one transaction. */
async function changeResponse(
  deps: CollectorDeps,
  open: OpenInvitation,
  change: (
    trx: Kysely<Database>,
    current: ResponseRow | undefined,
    now: Date,
  ) => Promise<ResponseRow | undefined>,
): Promise<ResponseRow | undefined> {
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (trx) => {
    const current = await lockResponseByInvitation(trx, open.workspaceId, open.invitationId);
    const updated = await change(trx, current, now);
    if (!updated) {
      return current;
    }
    await applyResponseEffects(trx, deps, open.kind, current, updated);
    return updated;
  });
}

/** The invitation's response, creating a provisional one (score from the link) if none exists. */
async function ensureResponse(
  trx: Kysely<Database>,
  open: OpenInvitation,
  current: ResponseRow | undefined,
  score: number,
  now: Date,
): Promise<{ row: ResponseRow; created: boolean }> {
  if (current) {
    return { row: current, created: false };
  }
  const inserted = await insertInvitationResponse(trx, {
    workspaceId: open.workspaceId,
    surveyId: open.surveyId,
    invitationId: open.invitationId,
    contactId: open.contactId,
    score,
    locale: open.locale,
    now,
  });
  if (inserted) {
    return { row: inserted, created: true };
  }
  // A parallel click inserted first; its row is committed now, so lock and use it.
  const row = await lockResponseByInvitation(trx, open.workspaceId, open.invitationId);
  if (!row) {
    throw new Error('response vanished during insert');
  }
  return { row, created: false };
}

/**
 * A score link was fetched (`GET /s/:token/:score`): by a person, or by a mail scanner that
 * opens every link. The score is stored but stays provisional until a human signal. Two
 * different score links within SCANNER_WINDOW_SECONDS, or a honeypot hit in that window,
 * flag the response as a scanner's.
 */
export async function recordLinkFetch(
  deps: CollectorDeps,
  open: OpenInvitation,
  score: number,
): Promise<ResponseRow | undefined> {
  const windowMs = deps.config.SCANNER_WINDOW_SECONDS * 1000;
  return changeResponse(deps, open, async (trx, current, now) => {
    await insertLinkFetch(trx, { ...ids(open), kind: 'score', score, at: now });
    const { row, created } = await ensureResponse(trx, open, current, score, now);
    const burst =
      !created &&
      row.last_link_at !== null &&
      row.last_link_score !== null &&
      row.last_link_score !== score &&
      now.getTime() - row.last_link_at.getTime() <= windowMs;
    const honeypot =
      !burst &&
      (await honeypotHitBetween(
        trx,
        open.workspaceId,
        open.invitationId,
        new Date(now.getTime() - windowMs),
        now,
      ));
    const flag: FlagReason | null = row.flagged
      ? null
      : burst
        ? 'scanner_burst'
        : honeypot
          ? 'honeypot'
          : null;
    return updateResponse(trx, open.workspaceId, row.id, {
      score,
      last_link_score: score,
      last_link_at: now,
      updated_at: now,
      ...(flag ? { flagged: true, flag_reason: flag, flagged_at: now } : {}),
    });
  });
}

/**
 * The follow-up page's stylesheet beacon was fetched: the page was rendered by a browser, a
 * human signal that bare link scanners do not give. It confirms a provisional response; it
 * does not clear a flag (a rendering scanner that hit several links stays excluded).
 */
export async function recordPageBeacon(deps: CollectorDeps, open: OpenInvitation): Promise<void> {
  await changeResponse(deps, open, async (trx, current, now) => {
    await insertLinkFetch(trx, { ...ids(open), kind: 'page', at: now });
    if (!current || current.status === 'counted') {
      return undefined;
    }
    return updateResponse(trx, open.workspaceId, current.id, {
      status: 'counted',
      confirmed_at: now,
      confirmed_via: 'page',
      updated_at: now,
    });
  });
}

/**
 * The hidden honeypot link of the email was fetched: no person can see it, so a scanner
 * is at work. A link-only response fetched within the scanner window is flagged.
 */
export async function recordHoneypot(deps: CollectorDeps, open: OpenInvitation): Promise<void> {
  const windowMs = deps.config.SCANNER_WINDOW_SECONDS * 1000;
  await changeResponse(deps, open, async (trx, current, now) => {
    await insertLinkFetch(trx, { ...ids(open), kind: 'honeypot', at: now });
    if (
      !current ||
      current.flagged ||
      current.confirmed_via === 'form' ||
      current.last_link_at === null ||
      now.getTime() - current.last_link_at.getTime() > windowMs
    ) {
      return undefined;
    }
    return updateResponse(trx, open.workspaceId, current.id, {
      flagged: true,
      flag_reason: 'honeypot',
      flagged_at: now,
      updated_at: now,
    });
  });
}

/**
 * The follow-up form was submitted: the human signal. The response counts from now on, the
 * score is the one chosen on the page, and an automatic scanner flag is cleared because the
 * score no longer comes from a fetched link. A manager's manual flag stays.
 * A comment given as `undefined` keeps the old one.
 */
export async function recordAnswer(
  deps: CollectorDeps,
  open: OpenInvitation,
  answer: {
    score: number;
    comment?: string | undefined;
    /** The additional answers, already parsed; undefined keeps the stored ones. */
    answers?: StoredAnswer[] | undefined;
  },
): Promise<ResponseRow | undefined> {
  const comment = answer.comment === undefined ? undefined : answer.comment.trim() || null;
  const store = (db: Kysely<Database>) =>
    storeFormAnswer(db, {
      ...ids(open),
      surveyId: open.surveyId,
      contactId: open.contactId,
      score: answer.score,
      comment,
      answers: answer.answers,
      locale: open.locale,
      now: deps.clock.now(),
    });
  // Without webhooks, chat alerts and a low score the change has no effects beyond the response
  // itself, which one statement stores atomically: no transaction around it.
  if (!open.hasSubscribers && !isLowScore(open.kind, answer.score)) {
    return (await store(deps.db)).after;
  }
  const before = open.response?.stored ?? [];
  const answers = answer.answers ?? before;
  return deps.db.transaction().execute(async (trx) => {
    const stored = await store(trx);
    await applyResponseEffects(
      trx,
      deps,
      open.kind,
      stored.before,
      stored.after,
      open.hasSubscribers,
      { answers, changed: JSON.stringify(answers) !== JSON.stringify(before) },
    );
    return stored.after;
  });
}

function ids(open: OpenInvitation) {
  return { workspaceId: open.workspaceId, invitationId: open.invitationId };
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
  const contactId = row.contact_id;
  await db.transaction().execute(async (trx) => {
    await unsubscribeContact(trx, row.workspace_id, contactId, clock.now(), 'link');
  });
  return { locale: resolveLocale(row.locale, 'en') };
}

export async function localeForToken(db: Kysely<Database>, token: string): Promise<Locale | null> {
  if (!TOKEN_SHAPE.test(token)) {
    return null;
  }
  const row = await findInvitationByTokenHash(db, hashToken(token));
  return row ? resolveLocale(row.locale, 'en') : null;
}
