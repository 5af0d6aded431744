import type { AppContext } from '../../context';
import { AppError } from '../../errors';
import { getSurveyMetrics } from '../../surveys/metrics.service';
import { addDays, addMonths, localDate } from '../../surveys/periods';
import { findSurveys } from '../../surveys/survey.service';
import { getWorkspace } from '../../surveys/workspace.service';
import type { DashRouter } from './kit';
import { sessionOf } from './kit';
import { cellView, KIND_LABEL, surveyTrendChart } from './scores';
import { renderPage } from './view';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/**
 * The monthly score report as a page, read live from the metrics service: per survey the
 * month's score with its interval, the change against the month before and whether it is
 * significant, the response rate and the 12-month trend.
 */
export function reportPages(ctx: AppContext, r: DashRouter) {
  r.get('/reports', 'reports', async (req, res) => {
    const session = sessionOf(req);
    const workspace = await getWorkspace(ctx.db, session.workspaceId);
    const thisMonth = localDate(ctx.clock.now(), workspace.time_zone).slice(0, 7);
    const months = Array.from({ length: 12 }, (_, i) =>
      addMonths(`${thisMonth}-01`, -i).slice(0, 7),
    );
    renderPage(res, 'reports', { title: 'Reports', area: 'reports', session, months, thisMonth });
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
