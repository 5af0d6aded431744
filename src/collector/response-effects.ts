import type { Kysely } from 'kysely';
import type { Database, SurveyKind } from '../../db/schema';
import type { Clock } from '../clock';
import { openCaseForResponse } from '../followups/open-case.service';
import { isLowScore } from '../surveys/scales';
import { publishChatAlerts } from '../webhooks/chat-alert.service';
import { publishResponseChange } from '../webhooks/publish.service';
import type { ResponseRow } from './response.repository';
import { findResponseAnswers, updateResponse } from './response.repository';
import { toResponseDto } from './response.schemas';
import type { StoredAnswer } from '../surveys/questions';

export interface EffectDeps {
  clock: Clock;
  config: { FOLLOWUP_DEFAULT_SLA_HOURS: number; PUBLIC_URL?: string };
}

/** The one rule for what scores count; the SQL view `counted_responses` says the same. */
export function countsInScores(row: Pick<ResponseRow, 'status' | 'flagged'>): boolean {
  return row.status === 'counted' && !row.flagged;
}

function changed(before: ResponseRow | undefined, after: ResponseRow): boolean {
  return (
    !before ||
    before.score !== after.score ||
    before.comment !== after.comment ||
    before.flagged !== after.flagged ||
    before.status !== after.status
  );
}

/**
 * What follows a change to a response, inside the same transaction: `response.created` the
 * first time it counts, `response.updated` after that, and a follow-up case for a low score.
 * Provisional and flagged responses announce nothing and open no case. Everything this starts
 * (webhook deliveries, the owner's alert, Slack and Teams alerts) is an outbox row: it exists exactly when the response
 * commits, and the relay hands it to the queues.
 */
export async function applyResponseEffects(
  trx: Kysely<Database>,
  deps: EffectDeps,
  kind: SurveyKind,
  before: ResponseRow | undefined,
  after: ResponseRow,
  /**
   * false when the workspace has neither webhooks nor chat alert rules (read with the change):
   * nothing to announce to.
   */
  subscribers = true,
  /** The additional answers after the change (announced with it), and whether they changed. */
  additional?: { answers: StoredAnswer[]; changed: boolean },
): Promise<void> {
  const now = deps.clock.now();
  const publicUrl = deps.config.PUBLIC_URL ?? '';
  // A change that did not bring the answers (a review, a beacon, /v1) reads them when it
  // announces, so no webhook shows a response without its answers.
  const answersFor = async () =>
    additional?.answers ?? (await findResponseAnswers(trx, after.workspace_id, after.id));
  let row = after;
  // A writer may stamp the announcement itself, in its own statement (the form post does).
  const stampedByWriter = !before?.announced_at && row.announced_at !== null;
  let news = false;
  if (countsInScores(row) && (row.announced_at === null || stampedByWriter)) {
    if (row.announced_at === null) {
      row = await updateResponse(trx, row.workspace_id, row.id, { announced_at: now });
    }
    if (subscribers) {
      const answers = await answersFor();
      const dto = toResponseDto({ ...row, survey_kind: kind, answers });
      await publishResponseChange(trx, 'created', { row, kind, dto, answers }, publicUrl, now);
    }
    news = true;
  } else if (row.announced_at !== null && (changed(before, row) || additional?.changed)) {
    if (subscribers) {
      const answers = await answersFor();
      const dto = toResponseDto({ ...row, survey_kind: kind, answers });
      await publishResponseChange(trx, 'updated', { row, kind, dto, answers }, publicUrl, now);
    }
    news = true;
  }
  if (countsInScores(row) && isLowScore(kind, row.score)) {
    await openCaseForResponse(trx, deps.config, row, now, subscribers);
  }
  // After the case, so the alert can link to it; each rule alerts once per response.
  if (subscribers && news && countsInScores(row)) {
    await publishChatAlerts(trx, row, kind, publicUrl, now);
  }
}
