import type { Kysely } from 'kysely';
import type { Database, JsonObject } from '../../db/schema';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { Mailer } from '../platform/mailer';
import { renderTemplate } from '../surveys/render';
import { queueChatNotice } from '../webhooks/chat-alert.service';
import type { Verdict } from './metric-alert.conditions';
import { judgeRule } from './metric-alert.conditions';
import {
  closeEpisode,
  findRulesToEvaluate,
  findUnsentEmails,
  insertEpisode,
  lockOpenEpisode,
  markEmailSent,
  recordEvaluation,
} from './metric-alert.repository';

type Rule = Awaited<ReturnType<typeof findRulesToEvaluate>>[number];

export interface MetricAlertDeps {
  db: Kysely<Database>;
  clock: Clock;
  mailer: Mailer;
  logger: Pick<Logger, 'warn'>;
  publicUrl: string;
}

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

const CONDITION_TEXT = {
  below_threshold: 'score below its threshold',
  significant_drop: 'significant drop against the previous window',
  low_volume: 'response volume below its control limit',
} as const;

/** The notice's lines: what the rule watches and the numbers that decided. */
function describe(rule: { survey_name: string; condition: Rule['condition'] }, detail: JsonObject) {
  return [
    `Survey: ${rule.survey_name}`,
    `Condition: ${CONDITION_TEXT[rule.condition]}`,
    ...Object.entries(detail).map(
      ([k, v]) => `${k}: ${v === null ? '–' : typeof v === 'string' ? v : JSON.stringify(v)}`,
    ),
  ];
}

function titleOf(name: string, recovered: boolean): string {
  return (recovered ? `Back to normal: ${name}` : `Metric alert: ${name}`).replace(
    /[\r\n\0]/g,
    ' ',
  );
}

/**
 * Opens an episode when a rule starts firing and closes it when the rule is quiet again, in
 * one transaction with the chat notice's outbox row: one alert and one recovery per episode.
 * A verdict of "not enough data" changes nothing.
 */
async function applyVerdict(
  deps: MetricAlertDeps,
  rule: Rule,
  verdict: Verdict,
  now: Date,
): Promise<'opened' | 'closed' | null> {
  return deps.db.transaction().execute(async (trx) => {
    const open = await lockOpenEpisode(trx, rule.id);
    await recordEvaluation(trx, rule.id, {
      now,
      result: { ...verdict.detail, firing: verdict.firing },
    });
    const change =
      verdict.firing === true && !open
        ? 'opened'
        : verdict.firing === false && open
          ? 'closed'
          : null;
    if (change === 'opened') {
      await insertEpisode(trx, {
        workspaceId: rule.workspace_id,
        ruleId: rule.id,
        now,
        detail: verdict.detail,
      });
    } else if (change === 'closed' && open) {
      await closeEpisode(trx, open.id, { now, detail: verdict.detail });
    }
    if (change && rule.channel === 'chat' && rule.chat_alert_rule_id) {
      await queueChatNotice(
        trx,
        rule.workspace_id,
        rule.chat_alert_rule_id,
        {
          title: titleOf(rule.name, change === 'closed'),
          lines: describe(rule, verdict.detail),
          url: `${deps.publicUrl}/dashboard/settings/metric-alerts`,
        },
        now,
      );
    }
    return change;
  });
}

/**
 * Emails still owed, after their episode's change committed: a failed send stays owed and
 * the next tick tries again. NOTE: a crash between the send and its mark sends it twice.
 */
async function sendOwedEmails(deps: MetricAlertDeps): Promise<{ sent: number; failed: number }> {
  let sent = 0;
  let failed = 0;
  for (const e of await findUnsentEmails(deps.db)) {
    const recovered = e.alert_sent_at !== null;
    const detail = recovered ? (e.closed_detail ?? {}) : e.opened_detail;
    const subject = titleOf(e.name, recovered);
    const lines = describe(e, detail);
    const url = `${deps.publicUrl}/dashboard/settings/metric-alerts`;
    try {
      await deps.mailer.send({
        workspaceId: e.workspace_id,
        to: e.email!,
        subject,
        text: [subject, '', ...lines, '', url, ''].join('\n'),
        html: renderTemplate('./metric-alert', { subject, lines, url }),
        headers: { 'X-Glas-Metric-Alert': e.rule_id, 'Auto-Submitted': 'auto-generated' },
      });
    } catch (err) {
      failed += 1;
      deps.logger.warn({ ruleId: e.rule_id, err: messageOf(err) }, 'metric alert email failed');
      continue;
    }
    await markEmailSent(deps.db, e.id, recovered ? 'recovery' : 'alert', deps.clock.now());
    sent += 1;
  }
  return { sent, failed };
}

/** The scheduled tick: judges every rule at the clock's now, then sends the emails owed. */
export async function evaluateMetricAlerts(deps: MetricAlertDeps) {
  const now = deps.clock.now();
  let opened = 0;
  let closed = 0;
  const rules = await findRulesToEvaluate(deps.db);
  let errors = 0;
  for (const rule of rules) {
    // One rule that cannot be judged must not silence the others.
    try {
      const change = await applyVerdict(deps, rule, await judgeRule(deps.db, rule, now), now);
      opened += change === 'opened' ? 1 : 0;
      closed += change === 'closed' ? 1 : 0;
    } catch (err) {
      errors += 1;
      deps.logger.warn({ ruleId: rule.id, err: messageOf(err) }, 'metric alert not evaluated');
    }
  }
  const emails = await sendOwedEmails(deps);
  return {
    evaluated: rules.length,
    opened,
    closed,
    errors,
    emailed: emails.sent,
    emailFailed: emails.failed,
  };
}
