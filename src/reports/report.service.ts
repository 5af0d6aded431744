import type { Kysely } from 'kysely';
import type { Database, Report, ReportKind, ReportTrigger, Workspace } from '../../db/schema';
import type { Clock } from '../clock';
import type { Config } from '../config';
import { NotFoundError, UnprocessableError } from '../errors';
import type { Logger } from '../logger';
import { redactEmails } from '../logger';
import { afterCursor, decodeCursor, pageOf } from '../platform/cursor';
import { reportShareToken } from '../platform/keyed-hash';
import { reportEvidencePath } from './evidence-links';
import type { Mailer } from '../platform/mailer';
import { isTransientMailError } from '../platform/mailer';
import { addDays, addMonths, localDate, periodStart } from '../platform/periods';
import { zonedTimeToUtc } from '../surveys/send-window';
import { getWorkspace } from '../workspaces/workspace.service';
import { buildMonthlyReport } from './monthly-report';
import { renderReportEmail, renderReportText, reportSubject } from './render';
import { buildWeeklyReport } from './weekly-report';
import { toReportContent } from './report-content';

/** Attempts per recipient when SMTP answers with a transient error (each tick retries once). */
export const MAX_DELIVERY_ATTEMPTS = 5;
/** A scheduled report is emailed only this long after it fell due (late recipients get the web page). */
export const DELIVERY_WINDOW_MS = 3 * 86_400_000;

export interface ReportDeps {
  db: Kysely<Database>;
  clock: Clock;
  config: Pick<Config, 'PUBLIC_URL' | 'GLAS_SECRET'>;
  mailer: Mailer;
  logger: Logger;
}

export interface ReportSummaryDto {
  id: string;
  kind: ReportKind;
  periodStart: string;
  periodEnd: string;
  label: string;
  trigger: ReportTrigger;
  webUrl: string;
  createdAt: string;
}

export function periodEndOf(kind: ReportKind, start: string): string {
  return kind === 'monthly' ? addDays(addMonths(start, 1), -1) : addDays(start, 6);
}

export function alignPeriod(kind: ReportKind, day: string): string {
  return periodStart(day, kind === 'monthly' ? 'month' : 'week');
}

export function reportWebUrl(config: ReportDeps['config'], reportId: string): string {
  return `${config.PUBLIC_URL}/reports/${reportId}?token=${reportShareToken(config.GLAS_SECRET, reportId)}`;
}

export function toReportSummary(config: ReportDeps['config'], row: Report): ReportSummaryDto {
  const content = toReportContent(row.content);
  return {
    id: row.id,
    kind: row.kind,
    periodStart: row.period_start,
    periodEnd: row.period_end,
    label: content.period.label,
    trigger: row.trigger,
    webUrl: reportWebUrl(config, row.id),
    createdAt: row.created_at.toISOString(),
  };
}

async function findReportByPeriod(
  db: Kysely<Database>,
  workspaceId: string,
  kind: ReportKind,
  start: string,
) {
  return db
    .selectFrom('reports')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('kind', '=', kind)
    .where('period_start', '=', start)
    .executeTakeFirst();
}

/**
 * The report of a period, generated once: a second or concurrent call finds the stored one
 * (unique on workspace, kind, period start). Building before the insert keeps a crash harmless.
 */
export async function ensureReport(
  deps: Pick<ReportDeps, 'db' | 'clock'>,
  workspace: Workspace,
  kind: ReportKind,
  start: string,
  trigger: ReportTrigger,
): Promise<{ report: Report; created: boolean }> {
  const existing = await findReportByPeriod(deps.db, workspace.id, kind, start);
  if (existing) {
    return { report: existing, created: false };
  }
  const content =
    kind === 'monthly'
      ? await buildMonthlyReport(deps.db, deps.clock, workspace, start)
      : await buildWeeklyReport(deps.db, deps.clock, workspace, start);
  const inserted = await deps.db
    .insertInto('reports')
    .values({
      workspace_id: workspace.id,
      kind,
      period_start: start,
      period_end: periodEndOf(kind, start),
      trigger,
      content: JSON.stringify(content),
      created_at: deps.clock.now(),
    })
    .onConflict((oc) => oc.columns(['workspace_id', 'kind', 'period_start']).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) {
    return { report: inserted, created: true };
  }
  const winner = await findReportByPeriod(deps.db, workspace.id, kind, start);
  if (!winner) {
    throw new Error('report vanished after a conflicting insert');
  }
  return { report: winner, created: false };
}

/** Claims the (report, recipient) row: a new one, or a failed one still within its attempts. */
async function claimDelivery(
  db: Kysely<Database>,
  report: Report,
  recipient: string,
  now: Date,
): Promise<string | null> {
  const fresh = await db
    .insertInto('report_deliveries')
    .values({
      workspace_id: report.workspace_id,
      report_id: report.id,
      recipient,
      status: 'claimed',
      claimed_at: now,
    })
    .onConflict((oc) => oc.columns(['report_id', 'recipient']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (fresh) {
    return fresh.id;
  }
  const retry = await db
    .updateTable('report_deliveries')
    .set((eb) => ({ status: 'claimed', claimed_at: now, attempts: eb('attempts', '+', 1) }))
    .where('report_id', '=', report.id)
    .where('recipient', '=', recipient)
    .where('status', '=', 'failed')
    .where('attempts', '<', MAX_DELIVERY_ATTEMPTS)
    .returning('id')
    .executeTakeFirst();
  return retry?.id ?? null;
}

/**
 * Emails the report once per recipient. The row is claimed before the send, so reruns and
 * concurrent schedulers skip it; a process that dies mid-send leaves it `claimed` and it is
 * not resent (at most once, as with invitations' send_unknown).
 */
export async function deliverReport(
  deps: ReportDeps,
  report: Report,
  recipients: readonly string[],
): Promise<{ sent: number; failed: number }> {
  const content = toReportContent(report.content);
  const links = {
    base: deps.config.PUBLIC_URL,
    pageUrl: reportWebUrl(deps.config, report.id),
    evidence: reportEvidencePath(report.id, reportShareToken(deps.config.GLAS_SECRET, report.id)),
  };
  let html: string | undefined;
  let text: string | undefined;
  let sent = 0;
  let failed = 0;
  for (const recipient of [...new Set(recipients.map((r) => r.trim().toLowerCase()))]) {
    const deliveryId = await claimDelivery(deps.db, report, recipient, deps.clock.now());
    if (!deliveryId) {
      continue;
    }
    html ??= renderReportEmail(content, links);
    text ??= renderReportText(content, links);
    try {
      const { messageId } = await deps.mailer.send({
        workspaceId: report.workspace_id,
        to: recipient,
        subject: reportSubject(content),
        text,
        html,
        headers: { 'X-Glas-Report': report.id, 'Auto-Submitted': 'auto-generated' },
      });
      await deps.db
        .updateTable('report_deliveries')
        .set({ status: 'sent', sent_at: deps.clock.now(), message_id: messageId, last_error: null })
        .where('id', '=', deliveryId)
        .execute();
      sent++;
    } catch (err) {
      const message = redactEmails(err instanceof Error ? err.message : String(err)).slice(0, 500);
      await deps.db
        .updateTable('report_deliveries')
        .set((eb) => ({
          status: 'failed',
          last_error: message,
          // A permanent refusal is not retried.
          attempts: isTransientMailError(err) ? eb.ref('attempts') : MAX_DELIVERY_ATTEMPTS,
        }))
        .where('id', '=', deliveryId)
        .execute();
      deps.logger.warn({ reportId: report.id, deliveryId, err: message }, 'report email failed');
      failed++;
    }
  }
  return { sent, failed };
}

/** The period whose report is due at `now`, and when it fell due; null before the first is due. */
export function duePeriod(
  kind: ReportKind,
  now: Date,
  settings: Pick<
    Workspace,
    'time_zone' | 'monthly_report_day' | 'weekly_report_weekday' | 'report_hour'
  >,
): { start: string; dueAt: Date } {
  const tz = settings.time_zone;
  const today = localDate(now, tz);
  const at = (day: string) => {
    const [year, month, date] = day.split('-').map(Number);
    return zonedTimeToUtc(
      { year: year!, month: month!, day: date!, minutes: settings.report_hour * 60 },
      tz,
    );
  };
  if (kind === 'monthly') {
    const thisMonth = periodStart(today, 'month');
    const dueThisMonth = at(addDays(thisMonth, settings.monthly_report_day - 1));
    return now >= dueThisMonth
      ? { start: addMonths(thisMonth, -1), dueAt: dueThisMonth }
      : {
          start: addMonths(thisMonth, -2),
          dueAt: at(addDays(addMonths(thisMonth, -1), settings.monthly_report_day - 1)),
        };
  }
  const thisWeek = periodStart(today, 'week');
  const dueThisWeek = at(addDays(thisWeek, settings.weekly_report_weekday - 1));
  return now >= dueThisWeek
    ? { start: addDays(thisWeek, -7), dueAt: dueThisWeek }
    : {
        start: addDays(thisWeek, -14),
        dueAt: at(addDays(thisWeek, settings.weekly_report_weekday - 8)),
      };
}

/**
 * One scheduler tick: for every workspace, makes sure the latest due monthly and weekly
 * reports exist and, within DELIVERY_WINDOW_MS of falling due, are emailed to the workspace's
 * recipients. Safe to run twice or concurrently.
 */
export async function runReportTick(
  deps: ReportDeps,
): Promise<{ generated: number; sent: number; failed: number }> {
  const now = deps.clock.now();
  const workspaces = await deps.db
    .selectFrom('workspaces')
    .selectAll()
    .orderBy('created_at')
    .execute();
  const totals = { generated: 0, sent: 0, failed: 0 };
  for (const ws of workspaces) {
    for (const kind of ['monthly', 'weekly'] as const) {
      const { start, dueAt } = duePeriod(kind, now, ws);
      // A workspace gets no report for a period that ended before it existed.
      if (periodEndOf(kind, start) < localDate(ws.created_at, ws.time_zone)) {
        continue;
      }
      const { report, created } = await ensureReport(deps, ws, kind, start, 'schedule');
      totals.generated += created ? 1 : 0;
      if (now.getTime() - dueAt.getTime() > DELIVERY_WINDOW_MS) {
        continue;
      }
      const recipients = kind === 'monthly' ? ws.executive_recipients : ws.manager_recipients;
      const result = await deliverReport(deps, report, recipients);
      totals.sent += result.sent;
      totals.failed += result.failed;
    }
  }
  return totals;
}

/** POST /api/reports: any period that has ended, generated now (or the stored one). */
export async function requestReport(
  deps: ReportDeps,
  workspaceId: string,
  input: { kind: ReportKind; periodStart: string; deliver: boolean },
): Promise<{ report: Report; created: boolean }> {
  const workspace = await getWorkspace(deps.db, workspaceId);
  const start = alignPeriod(input.kind, input.periodStart);
  const today = localDate(deps.clock.now(), workspace.time_zone);
  if (periodEndOf(input.kind, start) >= today) {
    throw new UnprocessableError(
      'period_not_over',
      'Reports cover whole periods that have ended.',
      [{ field: 'periodStart', issue: `the period ${start} has not ended yet`, location: 'body' }],
    );
  }
  const result = await ensureReport(deps, workspace, input.kind, start, 'api');
  if (input.deliver) {
    await deliverReport(
      deps,
      result.report,
      input.kind === 'monthly' ? workspace.executive_recipients : workspace.manager_recipients,
    );
  }
  return result;
}

export async function getReport(
  db: Kysely<Database>,
  workspaceId: string | null,
  id: string,
): Promise<Report> {
  let q = db.selectFrom('reports').selectAll().where('id', '=', id);
  if (workspaceId !== null) {
    q = q.where('workspace_id', '=', workspaceId);
  }
  const row = await q.executeTakeFirst();
  if (!row) {
    throw new NotFoundError('report_not_found', 'Report not found.');
  }
  return row;
}

export async function listReports(
  db: Kysely<Database>,
  workspaceId: string,
  query: { kind?: ReportKind; limit?: number; cursor?: string },
): Promise<{ rows: Report[]; nextCursor: string | null }> {
  const limit = query.limit ?? 20;
  const after = decodeCursor(query.cursor);
  let q = db
    .selectFrom('reports')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1);
  if (query.kind) {
    q = q.where('kind', '=', query.kind);
  }
  if (after) {
    q = q.where(afterCursor(after));
  }
  return pageOf(await q.execute(), limit);
}

export async function listDeliveries(db: Kysely<Database>, workspaceId: string, reportId: string) {
  return db
    .selectFrom('report_deliveries')
    .select(['recipient', 'status', 'attempts', 'claimed_at', 'sent_at'])
    .where('workspace_id', '=', workspaceId)
    .where('report_id', '=', reportId)
    .orderBy('recipient')
    .execute();
}
