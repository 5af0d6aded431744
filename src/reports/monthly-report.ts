import type { Kysely } from 'kysely';
import type { Database, Survey, Workspace } from '../../db/schema';
import type { Clock } from '../clock';
import {
  adjustBenjaminiHochberg,
  npsCountsFromScoreCounts,
  rankByImprovementPotential,
} from '../scoring';
import type { Cell } from '../analytics/metrics.schemas';
import { getSurveyMetrics } from '../analytics/metrics.service';
import { addDays, addMonths } from '../platform/periods';
import { listActionRows, toActionDto } from './action.service';
import { countClosedLoop, findSegmentDimensions } from './report-data.repository';
import { changeInWords, MIN_RESPONSES, truncate } from './report-format';
import { instantRange, periodLabel, responsesLink } from './period-range';
import type {
  ClosedLoop,
  MonthlyReportContent,
  Quote,
  SegmentRow,
  SurveySection,
  ThemeRow,
} from './report.types';
import { themesForRange } from '../analytics/themes.service';

const CONFIDENCE = 0.95;
const MAX_SEGMENT_DIMENSIONS = 5;
const MAX_SEGMENT_ROWS = 10;
const MAX_THEMES = 5;
const MAX_QUOTES = 2;
const QUOTE_LENGTH = 300;

type Range = { from: Date; to: Date };

export async function reportableSurveys(db: Kysely<Database>, workspaceId: string) {
  return db
    .selectFrom('surveys')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('status', '<>', 'draft')
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

function detractorsLink(
  survey: Survey,
  range: Range,
  segment?: { property: string; value: string },
) {
  return survey.kind === 'nps'
    ? responsesLink({
        surveyId: survey.id,
        ...range,
        category: 'detractor',
        ...(segment ? { segmentProperty: segment.property, segmentValue: segment.value } : {}),
      })
    : null;
}

/**
 * Marks the rows whose change vs the comparison period is significant: Benjamini–Hochberg over
 * every row tested, and at least 5 points. Rows with fewer than MIN_RESPONSES on either side
 * are not tested.
 */
export function markMovers<T extends { cell: Cell }>(
  rows: T[],
): (T & { adjustedPValue: number | null; mover: 'up' | 'down' | null })[] {
  // NOTE: many segments are tested at once, so movers use BH-adjusted p-values (false discoveries ≤ 5 %).
  const tested = rows.filter(
    (r) =>
      r.cell.change?.pValue !== null &&
      r.cell.change?.pValue !== undefined &&
      r.cell.n >= MIN_RESPONSES &&
      r.cell.change.previousN >= MIN_RESPONSES,
  );
  const adjusted = adjustBenjaminiHochberg(tested.map((r) => r.cell.change!.pValue!));
  const adjustedOf = new Map(tested.map((r, i) => [r, adjusted[i] ?? null]));
  return rows.map((r) => {
    const p = adjustedOf.get(r) ?? null;
    const d = r.cell.change?.difference ?? 0;
    // Practical significance too (§6.3): at least 5 points (NPS) or percentage points.
    const moved = p !== null && p < 0.05 && Math.abs(d) >= 5;
    return { ...r, adjustedPValue: p, mover: moved ? (d > 0 ? 'up' : 'down') : null };
  });
}

/** Segments of the month, ranked by what they cost overall; movers after Benjamini–Hochberg. */
async function segmentRows(
  db: Kysely<Database>,
  clock: Clock,
  workspaceId: string,
  survey: Survey,
  overall: Cell,
  period: { start: string; end: string },
  range: Range,
): Promise<SegmentRow[]> {
  const declared = survey.segment_properties;
  const dimensions = (
    declared.length > 0
      ? declared
      : await findSegmentDimensions(db, workspaceId, survey.id, period.start, period.end, 20)
  ).slice(0, MAX_SEGMENT_DIMENSIONS);
  const rows: Omit<SegmentRow, 'mover' | 'adjustedPValue'>[] = [];
  for (const property of dimensions) {
    const metrics = await getSurveyMetrics(db, clock, workspaceId, survey.id, {
      interval: 'month',
      since: period.start,
      until: period.end,
      segment: property,
      compare: 'previous',
      confidence: CONFIDENCE,
    });
    const cells = metrics.periods[0]?.segments ?? [];
    const ranked =
      survey.kind === 'nps'
        ? rankByImprovementPotential(
            npsCountsFromScoreCounts(overall.distribution),
            cells.map((c) => ({ key: c.value, counts: npsCountsFromScoreCounts(c.distribution) })),
          )
        : [];
    for (const { value, ...cell } of cells) {
      if (cell.n === 0) {
        continue;
      }
      const rank = ranked.find((r) => r.key === value);
      const segment = { property, value };
      rows.push({
        property,
        value,
        cell,
        potentialPoints: rank?.potentialPoints ?? null,
        impactPoints: rank?.impactPoints ?? null,
        link: responsesLink({
          surveyId: survey.id,
          ...range,
          segmentProperty: property,
          segmentValue: value,
        }),
        detractorsLink: detractorsLink(survey, range, segment),
      });
    }
  }
  const withMovers = markMovers(rows);
  // NPS: by what the segment costs overall (D_g/n); CSAT/CES: lowest score first.
  return withMovers
    .sort((a, b) =>
      survey.kind === 'nps'
        ? (b.potentialPoints ?? 0) - (a.potentialPoints ?? 0)
        : (a.cell.score ?? Infinity) - (b.cell.score ?? Infinity) || b.cell.n - a.cell.n,
    )
    .slice(0, MAX_SEGMENT_ROWS);
}

export async function themeRows(
  db: Kysely<Database>,
  workspaceId: string,
  survey: Survey,
  range: Range,
  max: number,
): Promise<{ rows: ThemeRow[] | null; note: string | null }> {
  const themed = await themesForRange(db, workspaceId, survey, range);
  if (!themed) {
    return { rows: null, note: 'Comment themes are found for NPS and CSAT surveys.' };
  }
  const quoteOf = (id: string): Quote => ({
    responseId: id,
    score: themed.scores.get(id) ?? 0,
    text: truncate(themed.texts.get(id) ?? '', QUOTE_LENGTH),
    link: `/api/responses/${id}`,
  });
  const rows = themed.report.themes.slice(0, max).map((t) => ({
    key: t.key,
    label: t.label,
    volume: t.volume,
    score: t.nps ?? t.csatPercent,
    impact: t.impact,
    pinned: t.pinned,
    quotes: t.representativeIds.slice(0, MAX_QUOTES).map(quoteOf),
    responseIds: t.commentIds.slice(0, 200),
    link: responsesLink({ surveyId: survey.id, ...range, hasComment: true }),
  }));
  const note =
    themed.read === 0
      ? 'No comments this period.'
      : themed.capped
        ? `Themes from the newest ${themed.read} comments.`
        : null;
  return { rows, note };
}

async function surveySection(
  db: Kysely<Database>,
  clock: Clock,
  workspace: Workspace,
  survey: Survey,
  period: { start: string; end: string },
  range: Range,
): Promise<SurveySection | null> {
  const [metrics, yearly] = await Promise.all([
    getSurveyMetrics(db, clock, workspace.id, survey.id, {
      interval: 'month',
      since: addMonths(period.start, -11),
      until: period.end,
      compare: 'previous',
      confidence: CONFIDENCE,
    }),
    getSurveyMetrics(db, clock, workspace.id, survey.id, {
      interval: 'month',
      since: period.start,
      until: period.end,
      compare: 'year',
      confidence: CONFIDENCE,
    }),
  ]);
  const current = metrics.periods.at(-1);
  if (!current || (metrics.n === 0 && survey.status !== 'active')) {
    return null;
  }
  const cell = current.overall;
  const previousLabel = periodLabel('monthly', addMonths(period.start, -1), period.end);
  const yearLabel = periodLabel('monthly', addMonths(period.start, -12), period.end);
  const yearChange = yearly.periods[0]?.overall.change ?? null;
  const [segments, themes] = await Promise.all([
    segmentRows(db, clock, workspace.id, survey, cell, period, range),
    themeRows(db, workspace.id, survey, range, MAX_THEMES),
  ]);
  const fit = metrics.trend;
  return {
    surveyId: survey.id,
    name: survey.name,
    kind: survey.kind,
    unit: survey.kind === 'nps' ? 'points' : survey.kind === 'csat' ? '%' : 'on 1–7',
    cell,
    vsPrevious: {
      comparedTo: addMonths(period.start, -1),
      label: previousLabel,
      change: cell.change ?? null,
      words: changeInWords(survey.kind, cell, cell.change, previousLabel),
    },
    vsLastYear: {
      comparedTo: addMonths(period.start, -12),
      label: yearLabel,
      change: yearChange,
      words: changeInWords(survey.kind, cell, yearChange, yearLabel),
    },
    link: responsesLink({ surveyId: survey.id, ...range }),
    detractorsLink: detractorsLink(survey, range),
    trend: {
      points: metrics.periods.map((p) => {
        const r = instantRange(p.start, p.end, workspace.time_zone);
        return {
          start: p.start,
          label: periodLabel('monthly', p.start, p.end).replace(
            /^(\w{3})\w* (\d{2})(\d{2})$/,
            '$1 $3',
          ),
          n: p.overall.n,
          score: p.overall.score,
          lower: p.overall.interval?.displayLower ?? null,
          upper: p.overall.interval?.displayUpper ?? null,
          link: responsesLink({ surveyId: survey.id, ...r }),
        };
      }),
      fit,
      words: !fit
        ? 'not enough months with responses for a trend'
        : fit.declining
          ? 'declining over the last 12 months (the whole interval of the slope is below zero)'
          : fit.rising
            ? 'rising over the last 12 months (the whole interval of the slope is above zero)'
            : 'no clear trend over the last 12 months',
    },
    volume: {
      responses: cell.n,
      sent: current.responseRate.sent,
      delivered: current.responseRate.delivered,
      answered: current.responseRate.answered,
      rate: current.responseRate.rate,
    },
    segments,
    themes: themes.rows,
    themesNote: themes.note,
  };
}

export async function closedLoopOf(
  db: Kysely<Database>,
  workspaceId: string,
  range: Range,
  asOf: Date,
): Promise<ClosedLoop> {
  const c = await countClosedLoop(db, workspaceId, range, asOf);
  const decided = c.within + c.late + c.pastDue;
  const q = new URLSearchParams({
    period: 'month',
    since: range.from.toISOString(),
    until: range.to.toISOString(),
  });
  return {
    detractorCases: c.total,
    contactedWithinSla: c.within,
    contactedLate: c.late,
    openPastDue: c.pastDue,
    openWithinSla: c.openWithin,
    resolved: c.resolved,
    withinSlaRate: decided > 0 ? c.within / decided : null,
    link: `/api/followups/recovery?${q.toString()}`,
    overdueLink: '/api/followups?overdue=true',
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
  const surveys = await reportableSurveys(db, workspace.id);
  const sections: SurveySection[] = [];
  for (const survey of surveys) {
    const section = await surveySection(db, clock, workspace, survey, { start, end }, range);
    if (section) {
      sections.push(section);
    }
  }
  const asOf = now < range.to ? now : range.to;
  const { rows } = await listActionRows(db, workspace.id, { createdBefore: range.to, limit: 50 });
  const byId = new Map(surveys.map((s) => [s.id, s]));
  const actions = [];
  for (const row of rows.filter((r) => r.status !== 'dropped')) {
    const survey = byId.get(row.survey_id);
    if (survey) {
      actions.push(await toActionDto(db, workspace.id, row, survey, asOf, workspace.time_zone));
    }
  }
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
    closedLoop: await closedLoopOf(db, workspace.id, range, asOf),
    actions,
  };
}
