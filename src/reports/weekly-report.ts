import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database, ImprovementAction, Survey, Workspace } from '../../db/schema';
import type { Clock } from '../clock';
import {
  detectSignificantDrop,
  npsCountsFromScoreCounts,
  rankByImprovementPotential,
} from '../scoring';
import type { Cell } from '../analytics/metrics.schemas';
import { getSurveyMetrics } from '../analytics/metrics.service';
import { addDays } from '../platform/periods';
import { LOW_SCORE_MAX } from '../surveys/scales';
import { SCORE_SLOTS } from '../analytics/rollup.repository';
import { listActionRows, toActionDto } from './action.service';
import { closedLoopOf, reportableSurveys } from './monthly-report';
import { findOverdueCases, findSegmentDimensions, findUsualOwners } from './report-data.repository';
import { formatP, formatScore, MIN_RESPONSES, scoreName, truncate } from './report-format';
import { instantRange, periodLabel, responsesLink } from './period-range';
import type { Quote, WeeklyItem, WeeklyReportContent } from './report.types';
import { themesForRange } from '../analytics/themes.service';

const CONFIDENCE = 0.95;
const RANKING_WEEKS = 4;
const TOP_PER_SURVEY = 3;
const QUOTES = 2;

type Range = { from: Date; to: Date };
type Owner = WeeklyItem['suggestedOwner'];

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
/** Low scores (the rule follow-up cases use): counts are indexed by score. */
function unhappy(kind: Survey['kind'], counts: readonly number[]): number {
  return sum(counts.slice(0, LOW_SCORE_MAX[kind] + 1));
}

async function unhappyQuotes(
  db: Kysely<Database>,
  workspaceId: string,
  survey: Survey,
  range: Range,
  segment?: { property: string; value: string },
): Promise<Quote[]> {
  let q = db
    .selectFrom('counted_responses')
    .select(['id', 'score', 'comment'])
    .where('workspace_id', '=', workspaceId)
    .where('survey_id', '=', survey.id)
    .where('created_at', '>=', range.from)
    .where('created_at', '<', range.to)
    .where('score', '<=', LOW_SCORE_MAX[survey.kind])
    .where('comment', 'is not', null)
    .where('comment', '<>', '');
  if (segment) {
    q = q.where(sql<string>`left(segment ->> ${segment.property}, 200)`, '=', segment.value);
  }
  const rows = await q.orderBy('created_at', 'desc').orderBy('id').limit(QUOTES).execute();
  return rows.map((r) => ({
    responseId: r.id,
    score: r.score,
    text: truncate(r.comment ?? '', 300),
    link: `/api/responses/${r.id}`,
  }));
}

function ownerFor(
  survey: Survey,
  matches: (a: ImprovementAction) => boolean,
  ctx: {
    actions: ImprovementAction[];
    usual: Map<string, { owner_name: string | null; owner_email: string }>;
    managers: string[];
  },
): Owner {
  const action = ctx.actions.find(
    (a) => a.survey_id === survey.id && matches(a) && (a.owner_email || a.owner_name),
  );
  if (action) {
    return {
      name: action.owner_name,
      email: action.owner_email,
      why: `owns the open action “${action.title}”`,
    };
  }
  const usual = ctx.usual.get(survey.id);
  if (usual) {
    return {
      name: usual.owner_name,
      email: usual.owner_email,
      why: 'handles most follow-up cases of this survey',
    };
  }
  const manager = ctx.managers[0];
  return manager
    ? { name: null, email: manager, why: 'first manager recipient of this report' }
    : null;
}

/** Sums a segment value's counts over the weeks of the window. */
function wholeRange(periods: { segments: (Cell & { value: string })[] }[]) {
  const byValue = new Map<string, number[]>();
  for (const p of periods) {
    for (const s of p.segments) {
      const acc = byValue.get(s.value) ?? Array.from({ length: SCORE_SLOTS }, () => 0);
      s.distribution.forEach((v, i) => (acc[i] = (acc[i] ?? 0) + v));
      byValue.set(s.value, acc);
    }
  }
  return byValue;
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
  const surveys = await reportableSurveys(db, workspace.id);
  const [openActions, usual] = await Promise.all([
    db
      .selectFrom('improvement_actions')
      .selectAll()
      .where('workspace_id', '=', workspace.id)
      .where('status', 'in', ['open', 'in_progress'])
      .orderBy('created_at', 'desc')
      .execute(),
    findUsualOwners(db, workspace.id),
  ]);
  const owners = { actions: openActions, usual, managers: workspace.manager_recipients };
  const drops: WeeklyItem[] = [];
  const ranked: WeeklyItem[] = [];

  for (const survey of surveys) {
    const name = scoreName(survey.kind);
    const metrics = await getSurveyMetrics(db, clock, workspace.id, survey.id, {
      interval: 'week',
      since: rankStart,
      until: end,
      compare: 'previous',
      confidence: CONFIDENCE,
    });
    const n = metrics.overall.n;
    const thisWeek = metrics.periods.at(-1);
    if (thisWeek?.overall.change) {
      const cell = thisWeek.overall;
      const prevCounts = metrics.periods.at(-2)?.overall.distribution;
      const verdict =
        survey.kind === 'nps' && prevCounts
          ? detectSignificantDrop(
              npsCountsFromScoreCounts(prevCounts),
              npsCountsFromScoreCounts(cell.distribution),
            ).verdict
          : cell.change!.significant &&
              (cell.change!.difference ?? 0) <= -5 &&
              cell.n >= MIN_RESPONSES &&
              cell.change!.previousN >= MIN_RESPONSES
            ? 'significant-drop'
            : 'no';
      if (verdict === 'significant-drop') {
        drops.push({
          type: 'drop',
          surveyId: survey.id,
          surveyName: survey.name,
          title: `${name} dropped ${Math.abs(cell.change!.difference ?? 0).toFixed(1)} this week`,
          potentialPoints: null,
          impactPoints: cell.change!.difference,
          score: cell.score,
          n: cell.n,
          detail: `${formatScore(survey.kind, cell.score)} from ${formatScore(survey.kind, cell.change!.previousScore)} the week before (n = ${cell.n} vs ${cell.change!.previousN}; ${formatP(cell.change!.pValue)}).`,
          quotes: await unhappyQuotes(db, workspace.id, survey, week),
          suggestedOwner: ownerFor(survey, (a) => a.target_type === 'survey', owners),
          actionDraft: {
            surveyId: survey.id,
            title: `Recover ${name} of ${survey.name}`,
            target: { type: 'survey' },
          },
          link: responsesLink({ surveyId: survey.id, ...week }),
        });
      }
    }
    if (n === 0) {
      continue;
    }
    const items: WeeklyItem[] = [];
    const dimensions =
      survey.segment_properties.length > 0
        ? survey.segment_properties
        : await findSegmentDimensions(db, workspace.id, survey.id, rankStart, end, 5);
    for (const property of dimensions.slice(0, 5)) {
      const seg = await getSurveyMetrics(db, clock, workspace.id, survey.id, {
        interval: 'week',
        since: rankStart,
        until: end,
        segment: property,
        compare: 'previous',
        confidence: CONFIDENCE,
      });
      const byValue = wholeRange(seg.periods);
      const rank =
        survey.kind === 'nps'
          ? rankByImprovementPotential(
              npsCountsFromScoreCounts(metrics.overall.distribution),
              [...byValue].map(([key, counts]) => ({
                key,
                counts: npsCountsFromScoreCounts(counts),
              })),
            )
          : [];
      for (const [value, counts] of byValue) {
        const r = rank.find((x) => x.key === value);
        const potential = r ? r.potentialPoints : (100 * unhappy(survey.kind, counts)) / n;
        if (potential <= 0) {
          continue;
        }
        const segN = sum(counts);
        const segment = { property, value };
        items.push({
          type: 'segment',
          surveyId: survey.id,
          surveyName: survey.name,
          title: `${property} = ${value}`,
          potentialPoints: potential,
          impactPoints: r?.impactPoints ?? null,
          score: null,
          n: segN,
          detail:
            survey.kind === 'nps'
              ? `${unhappy(survey.kind, counts)} of ${segN} are detractors; if they became passives, overall NPS would rise ${potential.toFixed(1)} points.`
              : `${unhappy(survey.kind, counts)} of ${segN} answered low; they are ${potential.toFixed(1)} % of all answers.`,
          quotes: await unhappyQuotes(db, workspace.id, survey, window, segment),
          suggestedOwner: ownerFor(
            survey,
            (a) =>
              a.target_type === 'segment' &&
              a.segment_property === property &&
              a.segment_value === value,
            owners,
          ),
          actionDraft: {
            surveyId: survey.id,
            title: `Improve ${name} for ${property} ${value}`,
            target: { type: 'segment', property, value },
          },
          link: responsesLink({
            surveyId: survey.id,
            ...window,
            segmentProperty: property,
            segmentValue: value,
          }),
        });
      }
    }
    const themed = await themesForRange(db, workspace.id, survey, window);
    for (const t of themed?.report.themes ?? []) {
      const bad = unhappy(survey.kind, t.scoreCounts);
      if (bad === 0) {
        continue;
      }
      const potential = (100 * bad) / n;
      items.push({
        type: 'theme',
        surveyId: survey.id,
        surveyName: survey.name,
        title: `“${t.label}”`,
        potentialPoints: potential,
        impactPoints: t.impact,
        score: t.nps ?? t.csatPercent,
        n: t.volume,
        detail: `${t.volume} comments, ${bad} of them ${survey.kind === 'nps' ? 'from detractors' : 'with a low score'}; theme ${name} ${formatScore(survey.kind, t.nps ?? t.csatPercent)}, impact ${t.impact === null ? '–' : t.impact.toFixed(1)}.`,
        quotes: t.representativeIds.slice(0, QUOTES).map((id) => ({
          responseId: id,
          score: themed!.scores.get(id) ?? 0,
          text: truncate(themed!.texts.get(id) ?? '', 300),
          link: `/api/responses/${id}`,
        })),
        suggestedOwner: ownerFor(
          survey,
          (a) => a.target_type === 'theme' && a.theme_key === t.key,
          owners,
        ),
        actionDraft: {
          surveyId: survey.id,
          title: `Fix “${t.label}”`,
          target: { type: 'theme', themeKey: t.key },
        },
        link: responsesLink({ surveyId: survey.id, ...window, hasComment: true }),
      });
    }
    ranked.push(
      ...items
        .sort((a, b) => (b.potentialPoints ?? 0) - (a.potentialPoints ?? 0))
        .slice(0, TOP_PER_SURVEY * 2),
    );
  }

  const overdue = await findOverdueCases(db, workspace.id, asOf, 200);
  const overdueItems: WeeklyItem[] = [];
  for (const survey of surveys) {
    const cases = overdue.filter((c) => c.survey_id === survey.id);
    if (cases.length === 0) {
      continue;
    }
    const owner = cases.find((c) => c.owner_email);
    overdueItems.push({
      type: 'overdue_cases',
      surveyId: survey.id,
      surveyName: survey.name,
      title: `${cases.length} follow-up case${cases.length === 1 ? '' : 's'} past the SLA`,
      potentialPoints: null,
      impactPoints: null,
      score: null,
      n: cases.length,
      detail: `Oldest due ${cases[0]!.due_at.toISOString().slice(0, 16).replace('T', ' ')} UTC.`,
      quotes: cases
        .filter((c) => c.comment)
        .slice(0, QUOTES)
        .map((c) => ({
          responseId: c.response_id,
          score: c.score,
          text: truncate(c.comment ?? '', 300),
          link: `/api/followups/${c.id}`,
        })),
      suggestedOwner: owner
        ? {
            name: owner.owner_name,
            email: owner.owner_email,
            why: 'owner of the oldest overdue case',
          }
        : ownerFor(survey, () => false, owners),
      actionDraft: null,
      link: `/api/followups?overdue=true&surveyId=${survey.id}`,
    });
  }

  const actionRows = (await listActionRows(db, workspace.id, { createdBefore: week.to, limit: 50 }))
    .rows;
  const byId = new Map(surveys.map((s) => [s.id, s]));
  const actions = [];
  for (const row of actionRows.filter((r) => r.status === 'open' || r.status === 'in_progress')) {
    const survey = byId.get(row.survey_id);
    if (survey) {
      actions.push(await toActionDto(db, workspace.id, row, survey, asOf, tz));
    }
  }
  const loop = await closedLoopOf(db, workspace.id, week, asOf);
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
    items: [
      ...drops,
      ...ranked.sort((a, b) => (b.potentialPoints ?? 0) - (a.potentialPoints ?? 0)),
      ...overdueItems,
    ],
    overdueCases: { count: overdue.length, link: loop.overdueLink },
    actions,
  };
}
