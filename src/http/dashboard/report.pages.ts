import type { Request, Response } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../context';
import { AppError } from '../../errors';
import { renderReportPage } from '../../reports/render';
import { reportEvidencePath } from '../../reports/evidence-links';
import { reportEvidence } from '../../reports/evidence.service';
import { createReportBodySchema, reportIdParamsSchema } from '../../reports/report.schemas';
import type { ReportContent } from '../../reports/report.types';
import {
  getReport,
  listReports,
  requestReport,
  toReportSummary,
} from '../../reports/report.service';
import { getSurveyMetrics } from '../../analytics/metrics.service';
import { addDays, addMonths, localDate } from '../../platform/periods';
import { findSurveys } from '../../surveys/survey.service';
import { getWorkspace } from '../../workspaces/workspace.service';
import { parse } from '../validate';
import { mayUse } from './access';
import type { DashRouter } from './kit';
import { BASE, fieldErrors, formOf, parseForm, sessionOf } from './kit';
import type { FieldErrors } from './view';
import { cellView, KIND_LABEL, surveyTrendChart } from './scores';
import { renderPage } from './view';
import { filtersOf, queryString } from './response.pages';
import { toReportContent } from '../../reports/report-content';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/**
 * The report archive (stored reports, generated on a schedule or on demand) and the monthly
 * page: the stored report when there is one, otherwise read live from the metrics service: per survey the
 * month's score with its interval, the change against the month before and whether it is
 * significant, the response rate and the 12-month trend.
 */
export function reportPages(ctx: AppContext, r: DashRouter) {
  const showArchive = async (
    req: Request,
    res: Response,
    view: { errors?: FieldErrors; values?: Record<string, string> } = {},
    status = 200,
  ) => {
    const session = sessionOf(req);
    const workspace = await getWorkspace(ctx.db, session.workspaceId);
    const thisMonth = localDate(ctx.clock.now(), workspace.time_zone).slice(0, 7);
    const stored = await listReports(ctx.db, session.workspaceId, { limit: 100 });
    renderPage(
      res,
      'reports',
      {
        title: 'Reports',
        area: 'reports',
        session,
        thisMonth,
        reports: stored.rows.map((row) => toReportSummary(ctx.config, row)),
        more: stored.nextCursor !== null,
        mayGenerate: mayUse(session.role, 'reportRequests'),
        mayAct: mayUse(session.role, 'actions'),
        values: view.values ?? { kind: 'monthly', periodStart: addMonths(`${thisMonth}-01`, -1) },
        errors: view.errors,
      },
      status,
    );
  };

  r.get('/reports', 'reports', async (req, res) => {
    await showArchive(req, res);
  });

  r.post('/reports', 'reportRequests', async (req, res) => {
    const session = sessionOf(req);
    const form = formOf(req);
    const parsed = parseForm(createReportBodySchema, {
      kind: form.kind ?? '',
      periodStart: form.periodStart ?? '',
    });
    if (!parsed.ok) {
      await showArchive(req, res, { errors: parsed.errors, values: form }, 400);
      return;
    }
    try {
      const { report } = await requestReport(ctx, session.workspaceId, parsed.value);
      res.redirect(303, `${BASE}/reports/${report.id}`);
    } catch (err) {
      if (err instanceof AppError && err.status === 422) {
        await showArchive(req, res, { errors: fieldErrors(err.details), values: form }, 422);
        return;
      }
      throw err;
    }
  });

  /** The stored report exactly as the reports engineer renders it; the session authorizes it. */
  r.get('/reports/:id', 'reports', async (req, res) => {
    const session = sessionOf(req);
    const { id } = parse(reportIdParamsSchema, req.params, 'params');
    const report = await getReport(ctx.db, session.workspaceId, id);
    sendStoredReport(res, report.id, toReportContent(report.content));
  });

  // The responses behind a stored report's figure, read-only and within the report's own
  // range: executives may read reports (and so their evidence) but not the Responses area.
  r.get('/reports/:id/responses', 'reports', async (req, res) => {
    const session = sessionOf(req);
    const { id } = parse(reportIdParamsSchema, req.params, 'params');
    const report = await getReport(ctx.db, session.workspaceId, id);
    const content = toReportContent(report.content);
    const { raw, parsed } = filtersOf(req);
    const one = z.uuid().optional().safeParse(req.query.response);
    if (!parsed.ok || !one.success) {
      throw new AppError(400, 'outside_report', 'These figures are not part of this report.');
    }
    const page = await reportEvidence(ctx.db, report, { ...parsed.value, response: one.data });
    renderPage(res, 'report-responses', {
      title: `Responses behind ${content.period.label}`,
      area: 'reports',
      session,
      reportId: id,
      periodLabel: content.period.label,
      rows: page.data,
      next: page.nextCursor ? queryString({ ...raw, cursor: page.nextCursor }) : null,
    });
  });

  r.get('/reports/:id/items', 'actions', async (req, res) => {
    const session = sessionOf(req);
    const { id } = parse(reportIdParamsSchema, req.params, 'params');
    const report = await getReport(ctx.db, session.workspaceId, id);
    const content = toReportContent(report.content);
    renderPage(res, 'report-items', {
      title: `Report items: ${content.period.label}`,
      area: 'actions',
      session,
      reportId: report.id,
      label: content.period.label,
      items: content.kind === 'weekly' ? content.items : [],
    });
  });

  r.get('/reports/monthly/:month', 'reports', async (req, res) => {
    const session = sessionOf(req);
    const month = typeof req.params.month === 'string' ? req.params.month : '';
    if (!MONTH.test(month)) {
      throw new AppError(
        404,
        'not_found',
        'Reports are by month, e.g. /dashboard/reports/monthly/2026-11.',
      );
    }
    const start = `${month}-01`;
    const stored = await findStoredMonthly(ctx, session.workspaceId, start);
    if (stored) {
      sendStoredReport(res, stored.id, toReportContent(stored.content));
      return;
    }
    const end = addDays(addMonths(start, 1), -1);
    const workspace = await getWorkspace(ctx.db, session.workspaceId);
    const surveys = (await findSurveys(ctx.db, session.workspaceId, { limit: 200 })).data.filter(
      (s) => s.status !== 'draft' && (s.launchedAt ?? s.createdAt).slice(0, 10) <= end,
    );
    const sections = await Promise.all(
      surveys.map(async (s) => {
        const m = await getSurveyMetrics(ctx.db, ctx.clock, session.workspaceId, s.id, {
          since: addMonths(start, -11),
          until: end,
          interval: 'month',
          compare: 'previous',
          confidence: 0.95,
        });
        const last = m.periods[m.periods.length - 1];
        return {
          id: s.id,
          name: s.name,
          kind: KIND_LABEL[s.kind],
          month: last ? cellView(s.kind, last.overall) : null,
          rate: last?.responseRate ?? null,
          trend: m.trend,
          chart: m.overall.n > 0 ? surveyTrendChart(m, s.name) : null,
        };
      }),
    );
    renderPage(res, 'report-monthly', {
      title: `Monthly report ${month}`,
      area: 'reports',
      session,
      month,
      start,
      end,
      company: workspace.company_name ?? workspace.name,
      timeZone: workspace.time_zone,
      sections,
    });
  });
}

function sendStoredReport(res: Response, id: string, content: ReportContent): void {
  // NOTE: the renderer's own page (its stylesheet and CSP-safe SVG), so executives see what was emailed.
  const html = renderReportPage(content, {
    base: '',
    pageUrl: `${BASE}/reports/${id}`,
    evidence: `${BASE}${reportEvidencePath(id)}`,
  });
  res.type('html').send(html);
}

/** The stored monthly report of a month, if one was generated (newest 100 reports looked at). */
async function findStoredMonthly(ctx: AppContext, workspaceId: string, start: string) {
  const { rows } = await listReports(ctx.db, workspaceId, { kind: 'monthly', limit: 100 });
  return rows.find((row) => row.period_start === start);
}
