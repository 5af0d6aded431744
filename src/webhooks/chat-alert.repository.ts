import type { Kysely } from 'kysely';
import type { ChatPlatform, Database, JsonObject } from '../../db/schema';
import { afterCursor } from '../platform/cursor';

export async function insertChatAlertRule(
  db: Kysely<Database>,
  v: {
    workspaceId: string;
    platform: ChatPlatform;
    name: string;
    url: string;
    urlHint: string;
    surveyIds: string[];
    minScore: number | null;
    maxScore: number | null;
    onlyWithComment: boolean;
    segment: Record<string, string>;
    now: Date;
  },
) {
  return db
    .insertInto('chat_alert_rules')
    .values({
      workspace_id: v.workspaceId,
      platform: v.platform,
      name: v.name,
      url: v.url,
      url_hint: v.urlHint,
      survey_ids: JSON.stringify(v.surveyIds),
      min_score: v.minScore,
      max_score: v.maxScore,
      only_with_comment: v.onlyWithComment,
      segment: JSON.stringify(v.segment),
      created_at: v.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findChatAlertRules(db: Kysely<Database>, workspaceId: string) {
  return db
    .selectFrom('chat_alert_rules')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export async function findChatAlertRule(db: Kysely<Database>, workspaceId: string, id: string) {
  return db
    .selectFrom('chat_alert_rules')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** Names of the metric alerts that post through this chat rule (they would go silent). */
export async function findMetricAlertsPostingThrough(
  db: Kysely<Database>,
  workspaceId: string,
  chatRuleId: string,
): Promise<string[]> {
  const rows = await db
    .selectFrom('metric_alert_rules')
    .select('name')
    .where('workspace_id', '=', workspaceId)
    .where('chat_alert_rule_id', '=', chatRuleId)
    .orderBy('name')
    .execute();
  return rows.map((r) => r.name);
}

export async function deleteChatAlertRule(
  db: Kysely<Database>,
  workspaceId: string,
  id: string,
): Promise<boolean> {
  const result = await db
    .deleteFrom('chat_alert_rules')
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** The survey's name and the response's follow-up case, for the message. */
export async function findAlertContext(
  db: Kysely<Database>,
  workspaceId: string,
  surveyId: string,
  responseId: string,
) {
  const survey = await db
    .selectFrom('surveys')
    .select('name')
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', surveyId)
    .executeTakeFirst();
  const followup = await db
    .selectFrom('followup_cases')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('response_id', '=', responseId)
    .executeTakeFirst();
  return { surveyName: survey?.name ?? 'a survey', caseId: followup?.id ?? null };
}

/**
 * A delivery and its outbox row. A rule alerts once per response: a second call for the same
 * pair (the response changed again) inserts nothing.
 */
export async function insertChatAlertDelivery(
  db: Kysely<Database>,
  v: {
    workspaceId: string;
    ruleId: string;
    responseId: string | null;
    payload: JsonObject;
    now: Date;
    /** Default: a delivery without a response is a test. */
    test?: boolean;
  },
) {
  const row = await db
    .insertInto('chat_alert_deliveries')
    .values({
      workspace_id: v.workspaceId,
      rule_id: v.ruleId,
      response_id: v.responseId,
      is_test: v.test ?? v.responseId === null,
      payload: JSON.stringify(v.payload),
      created_at: v.now,
      updated_at: v.now,
    })
    .onConflict((oc) =>
      oc.columns(['rule_id', 'response_id']).where('is_test', '=', false).doNothing(),
    )
    .returningAll()
    .executeTakeFirst();
  if (row) {
    await db
      .insertInto('outbox')
      .values({
        workspace_id: v.workspaceId,
        topic: 'chat-alert',
        aggregate_id: row.id,
        available_at: v.now,
        created_at: v.now,
      })
      .execute();
  }
  return row;
}

export async function findChatAlertDeliveryForSend(
  db: Kysely<Database>,
  workspaceId: string,
  id: string,
) {
  return db
    .selectFrom('chat_alert_deliveries as d')
    .innerJoin('chat_alert_rules as r', 'r.id', 'd.rule_id')
    .select(['d.id', 'd.status', 'd.payload', 'r.url', 'r.platform'])
    .where('d.workspace_id', '=', workspaceId)
    .where('d.id', '=', id)
    .executeTakeFirst();
}

export async function recordChatAlertAttempt(
  db: Kysely<Database>,
  id: string,
  r: {
    status: 'pending' | 'succeeded' | 'failed';
    statusCode: number | null;
    error: string | null;
    now: Date;
  },
): Promise<void> {
  await db
    .updateTable('chat_alert_deliveries')
    .set((eb) => ({
      status: r.status,
      attempts: eb('attempts', '+', 1),
      last_status_code: r.statusCode,
      last_error: r.error,
      delivered_at: r.status === 'succeeded' ? r.now : null,
      updated_at: r.now,
    }))
    .where('id', '=', id)
    .execute();
}

export async function findChatAlertDeliveries(
  db: Kysely<Database>,
  workspaceId: string,
  ruleId: string,
  limit: number,
  cursor?: { createdAt: Date; id: string },
) {
  let q = db
    .selectFrom('chat_alert_deliveries')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('rule_id', '=', ruleId);
  if (cursor) {
    q = q.where(afterCursor(cursor));
  }
  return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}
