import type { Kysely } from 'kysely';
import type { Database, Survey, SurveyKind, Workspace } from '../../db/schema';
import type { Clock } from '../clock';
import { addDays, addMonths } from '../platform/periods';
import { instantRange, periodLabel } from './period-range';
import { findReportableSurveys } from './report-data.repository';
import { loadReportInputs } from './report-inputs';
import type { ReportInputs } from './report-inputs';
import type { MonthlyReportContent, SurveySection } from './report.types';
import { reportActions } from './sections/actions';
import { closedLoopOf } from './sections/closed-loop';
import { monthlyHeadline } from './sections/headline';
import { questionSections } from './sections/questions';
import { monthlySegmentRows } from './sections/segments';
import { themeRows } from './sections/themes';
import { monthlyTrend } from './sections/trend';
import { KIND_DISPLAY } from '../surveys/scales';

/** The unit printed after a section's score: "points", "%", "on 1–7". */
const unitOf = (kind: SurveyKind) => KIND_DISPLAY[kind].unit.replace(/^mean /, 'on ');

// insight pages mark segment movers the way the monthly report does.
export { markMovers } from './sections/segments';

const CONFIDENCE = 0.95;
const MAX_THEMES = 5;

type Range = { from: Date; to: Date };

/** One survey's section of the month: headline, trend, segments and themes; null when it has nothing to show. */
function surveySection(
  inputs: ReportInputs,
  workspace: Workspace,
  survey: Survey,
  period: { start: string; end: string },
  range: Range,
): SurveySection | null {
  const metrics = inputs.metrics.metrics(survey.id, {
    interval: 'month',
    since: addMonths(period.start, -11),
    until: period.end,
    compare: 'previous',
    confidence: CONFIDENCE,
  });
  const current = metrics.periods.at(-1);
  if (!current || (metrics.n === 0 && survey.status !== 'active')) {
    return null;
  }
  const yearly = inputs.metrics.metrics(survey.id, {
    interval: 'month',
    since: period.start,
    until: period.end,
    compare: 'year',
    confidence: CONFIDENCE,
  });
  const byProperty = (inputs.dimensions.get(survey.id) ?? []).map((property) => ({
    property,
    metrics: inputs.metrics.metrics(survey.id, {
      interval: 'month',
      since: period.start,
      until: period.end,
      segment: property,
      compare: 'previous',
      confidence: CONFIDENCE,
    }),
  }));
  const themes = themeRows(inputs.themes.get(survey.id) ?? null, survey, range, MAX_THEMES);
  return {
    surveyId: survey.id,
    name: survey.name,
    kind: survey.kind,
    unit: unitOf(survey.kind),
    ...monthlyHeadline(survey, metrics, yearly, period.start, period.end, range),
    trend: monthlyTrend(survey.id, metrics, workspace.time_zone),
    segments: monthlySegmentRows(survey, current.overall, byProperty, range),
    themes: themes.rows,
    themesNote: themes.note,
    questions: questionSections(survey, inputs.questions.get(survey.id) ?? [], range),
  };
}

/** Assembles the monthly executive report for the month starting `start` (local dates). */
export async function buildMonthlyReport(
  db: Kysely<Database>,
  clock: Clock,
  workspace: Workspace,
  start: string,
): Promise<MonthlyReportContent> {
  const end = addDays(addMonths(start, 1), -1);
  const range = instantRange(start, end, workspace.time_zone);
  const now = clock.now();
  const asOf = now < range.to ? now : range.to;
  const surveys = await findReportableSurveys(db, workspace.id);
  // Twelve months compared with the month before each, and this month with a year ago.
  const inputs = await loadReportInputs(db, clock, workspace, surveys, {
    unit: 'month',
    from: addMonths(start, -12),
    segmentsFrom: addMonths(start, -1),
    to: end,
    dimensionsFrom: start,
    themes: range,
    questions: range,
    responseRates: true,
  });
  const sections = surveys.flatMap(
    (survey) => surveySection(inputs, workspace, survey, { start, end }, range) ?? [],
  );
  const [closedLoop, actions] = await Promise.all([
    closedLoopOf(db, workspace.id, range, asOf),
    reportActions(db, workspace, surveys, range.to, asOf, (r) => r.status !== 'dropped'),
  ]);
  return {
    kind: 'monthly',
    workspace: { id: workspace.id, name: workspace.name, timeZone: workspace.time_zone },
    period: {
      start,
      end,
      label: periodLabel('monthly', start, end),
      from: range.from.toISOString(),
      to: range.to.toISOString(),
    },
    generatedAt: now.toISOString(),
    surveys: sections,
    closedLoop,
    actions,
  };
}
