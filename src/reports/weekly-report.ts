import type { Kysely } from 'kysely';
import type { Database, Survey, Workspace } from '../../db/schema';
import type { Clock } from '../clock';
import { addDays } from '../platform/periods';
import { instantRange, periodLabel } from './period-range';
import { findReportableSurveys } from './report-data.repository';
import type { QuoteTarget } from './report-data.repository';
import { loadReportInputs } from './report-inputs';
import type { ReportInputs } from './report-inputs';
import type { WeeklyItem, WeeklyReportContent } from './report.types';
import { reportActions } from './sections/actions';
import { closedLoopOf, weeklyOverdue } from './sections/closed-loop';
import { weeklyDrop } from './sections/headline';
import { loadOwnerContext } from './sections/owners';
import type { OwnerContext } from './sections/owners';
import { fillQuotes, quoteTarget } from './sections/quotes';
import { questionSections } from './sections/questions';
import { weeklySegmentItems } from './sections/segments';
import { weeklyThemeItems } from './sections/themes';

const CONFIDENCE = 0.95;
const RANKING_WEEKS = 4;
const TOP_PER_SURVEY = 3;

type Range = { from: Date; to: Date };
interface Weeks {
  rankStart: string;
  end: string;
  week: Range;
  window: Range;
}

const byPotential = (a: WeeklyItem, b: WeeklyItem) =>
  (b.potentialPoints ?? 0) - (a.potentialPoints ?? 0);

/**
 * A survey's drop (if any) and its top segment and theme items over the ranking window.
 * Items whose quotes are still to be read are entered in `quotes`.
 */
function surveyItems(
  inputs: ReportInputs,
  survey: Survey,
  weeks: Weeks,
  owners: OwnerContext,
  quotes: Map<WeeklyItem, QuoteTarget>,
): { drop: WeeklyItem | null; top: WeeklyItem[] } {
  const query = {
    interval: 'week' as const,
    since: weeks.rankStart,
    until: weeks.end,
    compare: 'previous' as const,
    confidence: CONFIDENCE,
  };
  const metrics = inputs.metrics.metrics(survey.id, query);
  const drop = weeklyDrop(survey, metrics, weeks.week, owners);
  if (drop) {
    quotes.set(drop, quoteTarget(survey, weeks.week));
  }
  const n = metrics.overall.n;
  if (n === 0) {
    return { drop, top: [] };
  }
  const byProperty = (inputs.dimensions.get(survey.id) ?? []).map((property) => ({
    property,
    metrics: inputs.metrics.metrics(survey.id, { ...query, segment: property }),
  }));
  const segments = weeklySegmentItems(survey, metrics.overall, byProperty, weeks.window, owners);
  for (const { item, target } of segments) {
    quotes.set(item, target);
  }
  const themes = weeklyThemeItems(
    inputs.themes.get(survey.id) ?? null,
    survey,
    n,
    weeks.window,
    owners,
  );
  const top = [...segments.map((s) => s.item), ...themes]
    .sort(byPotential)
    .slice(0, TOP_PER_SURVEY * 2);
  return { drop, top };
}

/** Assembles the weekly improvement-action report for the ISO week starting `start` (Monday). */
export async function buildWeeklyReport(
  db: Kysely<Database>,
  clock: Clock,
  workspace: Workspace,
  start: string,
): Promise<WeeklyReportContent> {
  const end = addDays(start, 6);
  const rankStart = addDays(start, -7 * (RANKING_WEEKS - 1));
  const tz = workspace.time_zone;
  const week = instantRange(start, end, tz);
  const window = instantRange(rankStart, end, tz);
  const now = clock.now();
  const asOf = now < week.to ? now : week.to;
  const surveys = await findReportableSurveys(db, workspace.id);
  const [owners, inputs] = await Promise.all([
    loadOwnerContext(db, workspace),
    loadReportInputs(db, clock, workspace, surveys, {
      unit: 'week',
      // The ranking weeks, the first compared with the week before it.
      from: addDays(rankStart, -7),
      segmentsFrom: addDays(rankStart, -7),
      to: end,
      dimensionsFrom: rankStart,
      themes: window,
      // Over the ranking window, like segments and themes, so the shares have volume.
      questions: window,
      responseRates: false,
    }),
  ]);
  const quotes = new Map<WeeklyItem, QuoteTarget>();
  const drops: WeeklyItem[] = [];
  const ranked: WeeklyItem[] = [];
  for (const survey of surveys) {
    const { drop, top } = surveyItems(
      inputs,
      survey,
      { rankStart, end, week, window },
      owners,
      quotes,
    );
    drops.push(...(drop ? [drop] : []));
    ranked.push(...top);
  }
  const items = [...drops, ...ranked.sort(byPotential)];
  const [, overdue, actions, loop] = await Promise.all([
    fillQuotes(
      db,
      workspace.id,
      items.flatMap((item) => {
        const target = quotes.get(item);
        return target ? [{ item, target }] : [];
      }),
    ),
    weeklyOverdue(db, workspace.id, surveys, asOf, owners),
    reportActions(
      db,
      workspace,
      surveys,
      week.to,
      asOf,
      (r) => r.status === 'open' || r.status === 'in_progress',
    ),
    closedLoopOf(db, workspace.id, week, asOf),
  ]);
  return {
    kind: 'weekly',
    workspace: { id: workspace.id, name: workspace.name, timeZone: tz },
    period: {
      start,
      end,
      label: periodLabel('weekly', start, end),
      from: week.from.toISOString(),
      to: week.to.toISOString(),
    },
    generatedAt: now.toISOString(),
    rankingWindow: { start: rankStart, end },
    items: [...items, ...overdue.items],
    questions: surveys.flatMap((survey) => {
      const questions = questionSections(survey, inputs.questions.get(survey.id) ?? [], window);
      return questions.length > 0
        ? [{ surveyId: survey.id, surveyName: survey.name, questions }]
        : [];
    }),
    overdueCases: { count: overdue.count, link: loop.overdueLink },
    actions,
  };
}
