import type { AppContext } from '../../context';
import { SURVEY_KINDS } from '../../../db/schema';
import {
  compareCells,
  getSurveyMetrics,
  getWorkspaceMetrics,
} from '../../analytics/metrics.service';
import { addDays } from '../../platform/periods';
import { listResponses } from '../../collector/response.service';
import { findUnknownSends } from '../../dispatch/invitation-query.service';
import { findSurveys } from '../../surveys/survey.service';
import type { DashRouter } from './kit';
import { sessionOf } from './kit';
import { cellView, KIND_LABEL, surveyTrendChart } from './scores';
import { renderPage } from './view';

const CONFIDENCE = 0.95;
/** Surveys whose monthly metrics the overview reads for alerts and the chart. */
const MAX_WATCHED = 12;

export function overviewPages(ctx: AppContext, r: DashRouter) {
  r.get('/', 'overview', async (req, res) => {
    const session = sessionOf(req);
    const wid = session.workspaceId;
    const current = await getWorkspaceMetrics(ctx.db, ctx.clock, wid, { confidence: CONFIDENCE });
    const prevUntil = addDays(current.since, -1);
    const prevSince = addDays(prevUntil, -29);
    const previous = await getWorkspaceMetrics(ctx.db, ctx.clock, wid, {
      since: prevSince,
      until: prevUntil,
      confidence: CONFIDENCE,
    });
    const headline = SURVEY_KINDS.flatMap((kind) => {
      const cell = current.headline[kind];
      if (!cell) {
        return [];
      }
      const before = previous.headline[kind];
      const change = before
        ? compareCells(kind, cell.distribution, before.distribution, prevSince, CONFIDENCE)
        : null;
      return [{ kind, label: KIND_LABEL[kind], ...cellView(kind, { ...cell, change })! }];
    });

    const live = (await findSurveys(ctx.db, wid, { limit: 200 })).data.filter(
      (s) => s.status !== 'draft',
    );
    const watched = live.slice(0, MAX_WATCHED);
    const monthly = await Promise.all(
      watched.map((s) =>
        getSurveyMetrics(ctx.db, ctx.clock, wid, s.id, {
          interval: 'month',
          compare: 'previous',
          confidence: CONFIDENCE,
        }),
      ),
    );
    const alerts = watched.flatMap((s, i) => {
      const m = monthly[i]!;
      const last = m.periods[m.periods.length - 1];
      const out: { surveyId: string; text: string }[] = [];
      const change = last?.overall.change;
      if (change?.significant && (change.difference ?? 0) < 0) {
        out.push({
          surveyId: s.id,
          text: `${s.name}: ${KIND_LABEL[s.kind]} dropped ${Math.abs(change.difference ?? 0).toFixed(1)} since ${change.comparedTo.slice(0, 7)} (p = ${change.pValue?.toFixed(3) ?? '—'}).`,
        });
      }
      if (m.trend?.declining) {
        out.push({
          surveyId: s.id,
          text: `${s.name}: ${KIND_LABEL[s.kind]} has a significant downward trend over ${m.trend.periods} months.`,
        });
      }
      return out;
    });

    const requested = typeof req.query.survey === 'string' ? req.query.survey : undefined;
    const chosenIndex = Math.max(
      0,
      watched.findIndex((s) => s.id === requested),
    );
    const chosen = watched[chosenIndex];
    const chosenMetrics = monthly[chosenIndex];
    const chart = chosen && chosenMetrics ? surveyTrendChart(chosenMetrics, chosen.name) : null;

    const feed = await listResponses(ctx.db, wid, { hasComment: true, limit: 10 });
    const mayDecide = session.role !== 'executive';
    const unknownSends = mayDecide ? (await findUnknownSends(ctx.db, wid, 1)).total : 0;
    renderPage(res, 'overview', {
      title: 'Overview',
      area: 'overview',
      session,
      since: current.since,
      until: current.until,
      timeZone: current.timeZone,
      headline,
      alerts,
      surveys: watched.map((s) => ({ id: s.id, name: s.name })),
      chosen,
      chart,
      periods: chosenMetrics
        ? chosenMetrics.periods.map((p) => ({
            start: p.start,
            ...cellView(chosenMetrics.kind, p.overall)!,
          }))
        : [],
      feed: feed.data,
      canSeeResponses: mayDecide,
      unknownSends,
    });
  });
}
