import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { Clock } from '../clock';
import { NotFoundError, ValidationError } from '../errors';
import { assertChatAlertRule } from '../webhooks/chat-alert.service';
import type {
  CreateMetricAlertRuleBody,
  MetricAlertEpisodeDto,
  MetricAlertRuleDto,
  UpdateMetricAlertRuleBody,
} from './metric-alert.schemas';
import { createMetricAlertRuleBodySchema } from './metric-alert.schemas';
import {
  deleteMetricAlertRule,
  findMetricAlertEpisodes,
  findMetricAlertRule,
  findMetricAlertRules,
  insertMetricAlertRule,
  updateMetricAlertRuleRow,
} from './metric-alert.repository';

const EPISODES_SHOWN = 20;

type RuleRow = Awaited<ReturnType<typeof findMetricAlertRules>>[number];
type EpisodeRow = Awaited<ReturnType<typeof findMetricAlertEpisodes>>[number];

function toEpisodeDto(row: EpisodeRow): MetricAlertEpisodeDto {
  return {
    id: row.id,
    openedAt: row.opened_at.toISOString(),
    openedDetail: row.opened_detail,
    closedAt: row.closed_at?.toISOString() ?? null,
    closedDetail: row.closed_detail,
    alertSentAt: row.alert_sent_at?.toISOString() ?? null,
    recoverySentAt: row.recovery_sent_at?.toISOString() ?? null,
  };
}

function toRuleDto(row: RuleRow, episodes: EpisodeRow[]): MetricAlertRuleDto {
  return {
    id: row.id,
    name: row.name,
    surveyId: row.survey_id,
    condition: row.condition,
    windowDays: row.window_days,
    threshold: row.threshold,
    minResponses: row.min_responses,
    alpha: row.alpha,
    baselineWeeks: row.baseline_weeks,
    sameWeekday: row.same_weekday,
    limitMethod: row.limit_method,
    channel: row.channel,
    email: row.email,
    chatAlertRuleId: row.chat_alert_rule_id,
    state: episodes.some((e) => e.closed_at === null) ? 'alerting' : 'ok',
    lastEvaluatedAt: row.last_evaluated_at?.toISOString() ?? null,
    lastResult: row.last_result,
    createdAt: row.created_at.toISOString(),
    episodes: episodes.map(toEpisodeDto),
  };
}

async function withEpisodes(db: Kysely<Database>, workspaceId: string, rows: RuleRow[]) {
  const episodes = await findMetricAlertEpisodes(
    db,
    workspaceId,
    rows.map((r) => r.id),
    EPISODES_SHOWN,
  );
  return rows.map((r) =>
    toRuleDto(
      r,
      episodes.filter((e) => e.rule_id === r.id),
    ),
  );
}

/** The survey and the chat destination must be this workspace's: a 400 naming the field. */
async function assertRuleTargets(
  db: Kysely<Database>,
  workspaceId: string,
  body: CreateMetricAlertRuleBody,
): Promise<void> {
  const survey = await db
    .selectFrom('surveys')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', body.surveyId)
    .executeTakeFirst();
  if (!survey) {
    throw new ValidationError([{ field: 'surveyId', issue: 'No such survey', location: 'body' }]);
  }
  if (body.channel === 'chat' && body.chatAlertRuleId) {
    await assertChatAlertRule(db, workspaceId, body.chatAlertRuleId).catch((err: unknown) => {
      throw err instanceof NotFoundError
        ? new ValidationError([
            { field: 'chatAlertRuleId', issue: 'No such chat alert rule', location: 'body' },
          ])
        : err;
    });
  }
}

function ruleColumns(body: CreateMetricAlertRuleBody) {
  return {
    name: body.name,
    survey_id: body.surveyId,
    condition: body.condition,
    window_days: body.windowDays,
    threshold: body.threshold ?? null,
    min_responses: body.minResponses,
    alpha: body.alpha,
    baseline_weeks: body.baselineWeeks,
    same_weekday: body.sameWeekday,
    limit_method: body.limitMethod,
    channel: body.channel,
    email: body.channel === 'email' ? (body.email ?? null) : null,
    chat_alert_rule_id: body.channel === 'chat' ? (body.chatAlertRuleId ?? null) : null,
  };
}

export async function createMetricAlertRule(
  db: Kysely<Database>,
  clock: Clock,
  workspaceId: string,
  body: CreateMetricAlertRuleBody,
): Promise<MetricAlertRuleDto> {
  await assertRuleTargets(db, workspaceId, body);
  const row = await insertMetricAlertRule(db, {
    workspace_id: workspaceId,
    ...ruleColumns(body),
    created_at: clock.now(),
  });
  return toRuleDto(row, []);
}
export async function listMetricAlertRules(db: Kysely<Database>, workspaceId: string) {
  return withEpisodes(db, workspaceId, await findMetricAlertRules(db, workspaceId));
}

export async function getMetricAlertRule(db: Kysely<Database>, workspaceId: string, id: string) {
  const row = await findMetricAlertRule(db, workspaceId, id);
  if (!row) {
    throw new NotFoundError('metric_alert_rule_not_found', 'No such metric alert rule.');
  }
  const [dto] = await withEpisodes(db, workspaceId, [row]);
  return dto!;
}

/**
 * Changes the given fields and keeps the rest; the merged rule passes the create schema (a 400
 * naming the field otherwise). Episodes and the last reading stay: the next tick judges the rule
 * as it now is and closes an open episode once it no longer fires.
 */
export async function updateMetricAlertRule(
  db: Kysely<Database>,
  workspaceId: string,
  id: string,
  patch: UpdateMetricAlertRuleBody,
): Promise<MetricAlertRuleDto> {
  const current = await getMetricAlertRule(db, workspaceId, id);
  const condition = patch.condition ?? current.condition;
  const channel = patch.channel ?? current.channel;
  const threshold =
    patch.threshold !== undefined
      ? patch.threshold
      : condition === 'below_threshold'
        ? current.threshold
        : null;
  const merged = {
    name: patch.name ?? current.name,
    surveyId: patch.surveyId ?? current.surveyId,
    condition,
    windowDays: patch.windowDays ?? current.windowDays,
    ...(threshold === null ? {} : { threshold }),
    minResponses: patch.minResponses ?? current.minResponses,
    alpha: patch.alpha ?? current.alpha,
    baselineWeeks: patch.baselineWeeks ?? current.baselineWeeks,
    sameWeekday: patch.sameWeekday ?? current.sameWeekday,
    limitMethod: patch.limitMethod ?? current.limitMethod,
    channel,
    ...(channel === 'email' && (patch.email ?? current.email) !== null
      ? { email: patch.email ?? current.email }
      : {}),
    ...(channel === 'chat' && (patch.chatAlertRuleId ?? current.chatAlertRuleId) !== null
      ? { chatAlertRuleId: patch.chatAlertRuleId ?? current.chatAlertRuleId }
      : {}),
  };
  const parsed = createMetricAlertRuleBodySchema.safeParse(merged);
  if (!parsed.success) {
    throw new ValidationError(
      parsed.error.issues.map((i) => ({
        field: i.path.map(String).join('.') || 'body',
        issue: i.message,
        location: 'body' as const,
      })),
    );
  }
  const body = parsed.data;
  await assertRuleTargets(db, workspaceId, body);
  const row = await updateMetricAlertRuleRow(db, workspaceId, id, ruleColumns(body));
  if (!row) {
    throw new NotFoundError('metric_alert_rule_not_found', 'No such metric alert rule.');
  }
  const [dto] = await withEpisodes(db, workspaceId, [row]);
  return dto!;
}

export async function removeMetricAlertRule(db: Kysely<Database>, workspaceId: string, id: string) {
  if (!(await deleteMetricAlertRule(db, workspaceId, id))) {
    throw new NotFoundError('metric_alert_rule_not_found', 'No such metric alert rule.');
  }
}
