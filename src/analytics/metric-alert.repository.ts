import { sql } from 'kysely';
import type { Insertable, Kysely, Updateable } from 'kysely';
import type { Database, JsonObject } from '../../db/schema';
import type { MetricAlertRulesTable } from '../../db/schema/metric-alerts';

export async function insertMetricAlertRule(
  db: Kysely<Database>,
  values: Insertable<MetricAlertRulesTable>,
) {
  return db
    .insertInto('metric_alert_rules')
    .values(values)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findMetricAlertRules(db: Kysely<Database>, workspaceId: string) {
  return db
    .selectFrom('metric_alert_rules')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export async function findMetricAlertRule(db: Kysely<Database>, workspaceId: string, id: string) {
  return db
    .selectFrom('metric_alert_rules')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function updateMetricAlertRuleRow(
  db: Kysely<Database>,
  workspaceId: string,
  id: string,
  values: Updateable<MetricAlertRulesTable>,
) {
  return db
    .updateTable('metric_alert_rules')
    .set(values)
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

export async function deleteMetricAlertRule(
  db: Kysely<Database>,
  workspaceId: string,
  id: string,
): Promise<boolean> {
  const result = await db
    .deleteFrom('metric_alert_rules')
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** The newest `perRule` episodes of each rule. */
export async function findMetricAlertEpisodes(
  db: Kysely<Database>,
  workspaceId: string,
  ruleIds: string[],
  perRule: number,
) {
  if (ruleIds.length === 0) {
    return [];
  }
  return db
    .selectFrom((eb) =>
      eb
        .selectFrom('metric_alert_episodes')
        .selectAll()
        .select(
          sql<number>`row_number() over (partition by rule_id order by opened_at desc, id desc)`.as(
            'rank',
          ),
        )
        .where('workspace_id', '=', workspaceId)
        .where('rule_id', 'in', ruleIds)
        .as('e'),
    )
    .selectAll()
    .where('rank', '<=', perRule)
    .orderBy('opened_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

/** Every rule in every workspace, with its survey's kind, for the evaluation tick. */
export async function findRulesToEvaluate(db: Kysely<Database>) {
  return db
    .selectFrom('metric_alert_rules as r')
    .innerJoin('surveys as s', 's.id', 'r.survey_id')
    .selectAll('r')
    .select(['s.kind', 's.name as survey_name'])
    .orderBy('r.id')
    .execute();
}

/** Locks the rule's open episode, if any: two ticks evaluating one rule serialize here. */
export async function lockOpenEpisode(trx: Kysely<Database>, ruleId: string) {
  await trx
    .selectFrom('metric_alert_rules')
    .select('id')
    .where('id', '=', ruleId)
    .forUpdate()
    .execute();
  return trx
    .selectFrom('metric_alert_episodes')
    .selectAll()
    .where('rule_id', '=', ruleId)
    .where('closed_at', 'is', null)
    .executeTakeFirst();
}

export async function insertEpisode(
  trx: Kysely<Database>,
  v: { workspaceId: string; ruleId: string; now: Date; detail: JsonObject },
) {
  return trx
    .insertInto('metric_alert_episodes')
    .values({
      workspace_id: v.workspaceId,
      rule_id: v.ruleId,
      opened_at: v.now,
      opened_detail: JSON.stringify(v.detail),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function closeEpisode(
  trx: Kysely<Database>,
  id: string,
  v: { now: Date; detail: JsonObject },
) {
  await trx
    .updateTable('metric_alert_episodes')
    .set({ closed_at: v.now, closed_detail: JSON.stringify(v.detail) })
    .where('id', '=', id)
    .execute();
}

export async function recordEvaluation(
  db: Kysely<Database>,
  ruleId: string,
  v: { now: Date; result: JsonObject },
) {
  await db
    .updateTable('metric_alert_rules')
    .set({ last_evaluated_at: v.now, last_result: JSON.stringify(v.result) })
    .where('id', '=', ruleId)
    .execute();
}

/** Email rules' episodes whose alert or recovery email has not gone out yet. */
export async function findUnsentEmails(db: Kysely<Database>) {
  return db
    .selectFrom('metric_alert_episodes as e')
    .innerJoin('metric_alert_rules as r', 'r.id', 'e.rule_id')
    .innerJoin('surveys as s', 's.id', 'r.survey_id')
    .select([
      'e.id',
      'e.workspace_id',
      'e.rule_id',
      'e.opened_at',
      'e.opened_detail',
      'e.closed_at',
      'e.closed_detail',
      'e.alert_sent_at',
      'e.recovery_sent_at',
      'r.name',
      'r.email',
      'r.condition',
      's.name as survey_name',
    ])
    .where('r.channel', '=', 'email')
    .where('r.email', 'is not', null)
    .where((eb) =>
      eb.or([
        eb('e.alert_sent_at', 'is', null),
        eb.and([eb('e.closed_at', 'is not', null), eb('e.recovery_sent_at', 'is', null)]),
      ]),
    )
    .orderBy('e.opened_at')
    .execute();
}

export async function markEmailSent(
  db: Kysely<Database>,
  id: string,
  which: 'alert' | 'recovery',
  now: Date,
) {
  await db
    .updateTable('metric_alert_episodes')
    .set(which === 'alert' ? { alert_sent_at: now } : { recovery_sent_at: now })
    .where('id', '=', id)
    .execute();
}

/** Counts of the survey's counted answers in (from, to]: all, positive, and low (NPS 0–6). */
export async function countAnswers(
  db: Kysely<Database>,
  r: { workspaceId: string; surveyId: string; from: Date; to: Date; positiveMin: number },
) {
  const row = await db
    .selectFrom('counted_responses')
    .select([
      sql<string>`count(*)`.as('total'),
      sql<string>`count(*) filter (where score >= ${r.positiveMin})`.as('positive'),
      sql<string>`count(*) filter (where score <= 6)`.as('low'),
    ])
    .where('workspace_id', '=', r.workspaceId)
    .where('survey_id', '=', r.surveyId)
    .where('created_at', '>', r.from)
    .where('created_at', '<=', r.to)
    .executeTakeFirstOrThrow();
  return { total: Number(row.total), positive: Number(row.positive), low: Number(row.low) };
}

/**
 * Counted answers per 24-hour period back from `now`: index 0 is (now − 1 day, now], index d
 * is (now − (d+1) days, now − d days]. Periods with no answers are 0.
 */
export async function countAnswersPerDay(
  db: Kysely<Database>,
  r: { workspaceId: string; surveyId: string; now: Date; days: number },
): Promise<number[]> {
  const from = new Date(r.now.getTime() - r.days * 86_400_000);
  const rows = await db
    .selectFrom('counted_responses')
    .select([
      sql<number>`ceil(extract(epoch from (${r.now}::timestamptz - created_at)) / 86400)::int - 1`.as(
        'day',
      ),
      sql<string>`count(*)`.as('n'),
    ])
    .where('workspace_id', '=', r.workspaceId)
    .where('survey_id', '=', r.surveyId)
    .where('created_at', '>', from)
    .where('created_at', '<=', r.now)
    .groupBy('day')
    .execute();
  const days = Array.from({ length: r.days }, () => 0);
  for (const row of rows) {
    // created_at = now lands at −1 by the ceil; it belongs to the newest period.
    const d = Math.max(0, row.day);
    if (d < r.days) {
      days[d] = (days[d] ?? 0) + Number(row.n);
    }
  }
  return days;
}
