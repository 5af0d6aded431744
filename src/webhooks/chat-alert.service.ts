import type { Kysely } from 'kysely';
import type { Database, Response, SurveyKind } from '../../db/schema';
import type { Clock } from '../clock';
import { ConflictError, NotFoundError } from '../errors';
import { decodeCursor, pageOf } from '../platform/cursor';
import { openSecret, sealSecret } from '../platform/secret-box';
import { PrivateAddressError } from '../platform/ssrf';
import type {
  ChatAlertDeliveryDto,
  ChatAlertRuleDto,
  CreateChatAlertRuleBody,
} from './chat-alert.schemas';
import {
  deleteChatAlertRule,
  findMetricAlertsPostingThrough,
  findAlertContext,
  findChatAlertDeliveries,
  findChatAlertDeliveryForSend,
  findChatAlertRule,
  findChatAlertRules,
  insertChatAlertDelivery,
  insertChatAlertRule,
  recordChatAlertAttempt,
} from './chat-alert.repository';
import { chatMessage } from './formats/chat-message';
import type { ChatNotice } from './formats/notice-message';
import { noticeMessage } from './formats/notice-message';
import type { ChatAlertContent } from './formats/chat-message';
import type { WebhookConfig } from './webhook.service';
import { DeliveryFailedError, checkUrl, postToUrl } from './webhook.service';

const URL_PURPOSE = 'chat-alert-url';

type RuleRow = Awaited<ReturnType<typeof findChatAlertRules>>[number];
type DeliveryRow = Awaited<ReturnType<typeof findChatAlertDeliveries>>[number];

function toRuleDto(row: RuleRow): ChatAlertRuleDto {
  return {
    id: row.id,
    platform: row.platform,
    name: row.name,
    urlHint: row.url_hint,
    surveyIds: row.survey_ids,
    minScore: row.min_score,
    maxScore: row.max_score,
    onlyWithComment: row.only_with_comment,
    segment: row.segment,
    createdAt: row.created_at.toISOString(),
  };
}

function toDeliveryDto(row: DeliveryRow): ChatAlertDeliveryDto {
  return {
    id: row.id,
    ruleId: row.rule_id,
    responseId: row.response_id,
    test: row.is_test,
    status: row.status,
    attempts: row.attempts,
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
    payload: row.payload,
    createdAt: row.created_at.toISOString(),
    deliveredAt: row.delivered_at?.toISOString() ?? null,
  };
}

/** `hooks.slack.com/…Xy12`: enough to tell rules apart, too little to post with. */
function urlHint(raw: string): string {
  const url = new URL(raw);
  return `${url.host}/…${url.pathname.slice(-4)}`;
}

export async function createChatAlertRule(
  db: Kysely<Database>,
  clock: Clock,
  config: WebhookConfig,
  workspaceId: string,
  body: CreateChatAlertRuleBody,
): Promise<ChatAlertRuleDto> {
  await checkUrl(body.url, config);
  const row = await insertChatAlertRule(db, {
    workspaceId,
    platform: body.platform,
    name: body.name,
    url: sealSecret(config.GLAS_SECRET, URL_PURPOSE, body.url),
    urlHint: urlHint(body.url),
    surveyIds: [...new Set(body.surveyIds)],
    minScore: body.minScore ?? null,
    maxScore: body.maxScore ?? null,
    onlyWithComment: body.onlyWithComment,
    segment: body.segment,
    now: clock.now(),
  });
  return toRuleDto(row);
}

export async function listChatAlertRules(db: Kysely<Database>, workspaceId: string) {
  return (await findChatAlertRules(db, workspaceId)).map(toRuleDto);
}

async function requireRule(db: Kysely<Database>, workspaceId: string, id: string) {
  const rule = await findChatAlertRule(db, workspaceId, id);
  if (!rule) {
    throw new NotFoundError('chat_alert_rule_not_found', 'No such chat alert rule.');
  }
  return rule;
}

/** Throws 404 unless the workspace has this chat alert rule (a channel other features post to). */
export async function assertChatAlertRule(
  db: Kysely<Database>,
  workspaceId: string,
  id: string,
): Promise<void> {
  await requireRule(db, workspaceId, id);
}

/**
 * Inside the caller's transaction: a notice (not about one answer) through the rule's channel,
 * with its outbox row, delivered and logged like an answer's alert. False when the rule is gone.
 */
export async function queueChatNotice(
  trx: Kysely<Database>,
  workspaceId: string,
  ruleId: string,
  notice: ChatNotice,
  now: Date,
): Promise<boolean> {
  const rule = await findChatAlertRule(trx, workspaceId, ruleId);
  if (!rule) {
    return false;
  }
  await insertChatAlertDelivery(trx, {
    workspaceId,
    ruleId,
    responseId: null,
    payload: noticeMessage(rule.platform, notice),
    now,
    test: false,
  });
  return true;
}

/**
 * Deletes a rule and its delivery log. Refused (409) while metric alerts post through it:
 * they would keep firing with nowhere to go.
 */
export async function removeChatAlertRule(db: Kysely<Database>, workspaceId: string, id: string) {
  const users = await findMetricAlertsPostingThrough(db, workspaceId, id);
  if (users.length > 0) {
    throw new ConflictError(
      'chat_alert_rule_in_use',
      `Metric alerts post through this channel: ${users.join(', ')}. Point them elsewhere or delete them first.`,
      [{ field: 'id', issue: `used by metric alerts: ${users.join(', ')}`, location: 'params' }],
    );
  }
  if (!(await deleteChatAlertRule(db, workspaceId, id))) {
    throw new NotFoundError('chat_alert_rule_not_found', 'No such chat alert rule.');
  }
}

export async function listChatAlertDeliveries(
  db: Kysely<Database>,
  workspaceId: string,
  ruleId: string,
  q: { limit?: number | undefined; cursor?: string | undefined },
) {
  await requireRule(db, workspaceId, ruleId);
  const limit = q.limit ?? 50;
  const rows = await findChatAlertDeliveries(
    db,
    workspaceId,
    ruleId,
    limit + 1,
    decodeCursor(q.cursor),
  );
  const page = pageOf(rows, limit);
  return { data: page.rows.map(toDeliveryDto), nextCursor: page.nextCursor };
}

/** A made-up detractor's answer through the rule's channel, logged like a real alert. */
export async function sendTestChatAlert(
  db: Kysely<Database>,
  clock: Clock,
  publicUrl: string,
  workspaceId: string,
  ruleId: string,
): Promise<ChatAlertDeliveryDto> {
  const rule = await requireRule(db, workspaceId, ruleId);
  const content: ChatAlertContent = {
    kind: 'nps',
    score: 3,
    surveyName: rule.name,
    comment: 'This is a test alert from Glas: <b>markup</b> & *stars* stay as typed.',
    segment: Object.entries(rule.segment),
    responseUrl: `${publicUrl}/dashboard/responses`,
    caseUrl: `${publicUrl}/dashboard/followups`,
    test: true,
  };
  const row = await insertChatAlertDelivery(db, {
    workspaceId,
    ruleId,
    responseId: null,
    payload: chatMessage(rule.platform, content),
    now: clock.now(),
  });
  return toDeliveryDto(row!);
}

/** A segment value as text; objects and arrays are not segment values. */
function segmentText(value: unknown): string | null {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? String(value)
    : null;
}

function matches(rule: RuleRow, response: Response): boolean {
  const segmentOk = Object.entries(rule.segment).every(
    ([key, value]) => segmentText(response.segment[key]) === value,
  );
  return (
    (rule.survey_ids.length === 0 || rule.survey_ids.includes(response.survey_id)) &&
    (rule.min_score === null || response.score >= rule.min_score) &&
    (rule.max_score === null || response.score <= rule.max_score) &&
    (!rule.only_with_comment || (response.comment ?? '').trim() !== '') &&
    segmentOk
  );
}

/**
 * Inside the response's transaction: one alert per matching rule, each with its outbox row, at
 * most once per rule and response (a rule that wants a comment fires when the comment comes).
 */
export async function publishChatAlerts(
  trx: Kysely<Database>,
  response: Response,
  kind: SurveyKind,
  publicUrl: string,
  now: Date,
): Promise<void> {
  const rules = (await findChatAlertRules(trx, response.workspace_id)).filter((r) =>
    matches(r, response),
  );
  if (rules.length === 0) {
    return;
  }
  const { surveyName, caseId } = await findAlertContext(
    trx,
    response.workspace_id,
    response.survey_id,
    response.id,
  );
  const content: ChatAlertContent = {
    kind,
    score: response.score,
    surveyName,
    comment: response.comment,
    segment: Object.entries(response.segment).flatMap(([k, v]): [string, string][] => {
      const text = segmentText(v);
      return text === null ? [] : [[k, text]];
    }),
    responseUrl: `${publicUrl}/dashboard/responses/${response.id}`,
    caseUrl: caseId ? `${publicUrl}/dashboard/followups/${caseId}` : null,
  };
  for (const rule of rules) {
    await insertChatAlertDelivery(trx, {
      workspaceId: response.workspace_id,
      ruleId: rule.id,
      responseId: response.id,
      payload: chatMessage(rule.platform, content),
      now,
    });
  }
}

/**
 * Posts one alert: 2xx is done; 4xx other than 408/429 is permanent (Slack answers 400, 403,
 * 404 or 410 for a bad payload, a revoked webhook or an archived channel); the rest is retried
 * by BullMQ with backoff. Every attempt is logged on the delivery.
 */
export async function deliverChatAlert(
  deps: { db: Kysely<Database>; clock: Clock; config: WebhookConfig },
  workspaceId: string,
  deliveryId: string,
  attempt: { last: boolean },
): Promise<'succeeded' | 'skipped'> {
  const row = await findChatAlertDeliveryForSend(deps.db, workspaceId, deliveryId);
  if (!row || row.status !== 'pending') {
    return 'skipped';
  }
  let statusCode: number | null = null;
  let error: string;
  let permanent = false;
  try {
    const url = new URL(openSecret(deps.config.GLAS_SECRET, URL_PURPOSE, row.url));
    if (!deps.config.WEBHOOK_ALLOW_PRIVATE_URLS && url.protocol !== 'https:') {
      throw new PrivateAddressError(url.hostname);
    }
    const body = JSON.stringify(row.payload);
    const headers = { 'Content-Type': 'application/json', 'User-Agent': 'Glas-Alerts/1' };
    statusCode = (await postToUrl(url, body, headers, deps.config)).statusCode;
    if (statusCode >= 200 && statusCode < 300) {
      await recordChatAlertAttempt(deps.db, row.id, {
        status: 'succeeded',
        statusCode,
        error: null,
        now: deps.clock.now(),
      });
      return 'succeeded';
    }
    error = `HTTP ${statusCode}`;
    permanent = statusCode >= 400 && statusCode < 500 && statusCode !== 408 && statusCode !== 429;
  } catch (err) {
    permanent = err instanceof PrivateAddressError;
    error = permanent
      ? 'refused: the URL resolves to a loopback, private or link-local address'
      : err instanceof Error
        ? err.message.slice(0, 300)
        : 'delivery failed';
  }
  await recordChatAlertAttempt(deps.db, row.id, {
    status: permanent || attempt.last ? 'failed' : 'pending',
    statusCode,
    error,
    now: deps.clock.now(),
  });
  throw new DeliveryFailedError(error, permanent);
}
