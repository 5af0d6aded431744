import type { Survey } from '../../../db/schema';
import { familyOf } from '../../surveys/scales';
import type { SurveyMetricsDto } from '../../analytics/metrics.schemas';
import { addMonths } from '../../platform/periods';
import { detectSignificantDrop, npsCountsFromScoreCounts } from '../../scoring';
import { periodLabel, responsesLink } from '../period-range';
import { changeInWords, formatP, formatScore, MIN_RESPONSES, scoreName } from '../report-format';
import type { SurveySection, WeeklyItem } from '../report.types';
import { ownerFor } from './owners';
import type { OwnerContext } from './owners';

type Range = { from: Date; to: Date };

export function detractorsLink(
  survey: Survey,
  range: Range,
  segment?: { property: string; value: string },
) {
  return familyOf(survey.kind) === 'nps'
    ? responsesLink({
        surveyId: survey.id,
        ...range,
        category: 'detractor',
        ...(segment ? { segmentProperty: segment.property, segmentValue: segment.value } : {}),
      })
    : null;
}

/** The month's score of a survey against last month and the same month last year, and its volume. */
export function monthlyHeadline(
  survey: Survey,
  metrics: SurveyMetricsDto,
  yearly: SurveyMetricsDto,
  start: string,
  end: string,
  range: Range,
): Pick<
  SurveySection,
  'cell' | 'vsPrevious' | 'vsLastYear' | 'link' | 'detractorsLink' | 'volume'
> {
  const current = metrics.periods.at(-1)!;
  const cell = current.overall;
  const previousLabel = periodLabel('monthly', addMonths(start, -1), end);
  const yearLabel = periodLabel('monthly', addMonths(start, -12), end);
  const yearChange = yearly.periods[0]?.overall.change ?? null;
  return {
    cell,
    vsPrevious: {
      comparedTo: addMonths(start, -1),
      label: previousLabel,
      change: cell.change ?? null,
      words: changeInWords(survey.kind, cell, cell.change, previousLabel),
    },
    vsLastYear: {
      comparedTo: addMonths(start, -12),
      label: yearLabel,
      change: yearChange,
      words: changeInWords(survey.kind, cell, yearChange, yearLabel),
    },
    link: responsesLink({ surveyId: survey.id, ...range }),
    detractorsLink: detractorsLink(survey, range),
    volume: {
      responses: cell.n,
      sent: current.responseRate.sent,
      delivered: current.responseRate.delivered,
      answered: current.responseRate.answered,
      rate: current.responseRate.rate,
    },
  };
}

/** The weekly item for a survey whose score fell significantly this week, else null. */
export function weeklyDrop(
  survey: Survey,
  metrics: SurveyMetricsDto,
  week: Range,
  owners: OwnerContext,
): WeeklyItem | null {
  const thisWeek = metrics.periods.at(-1);
  const change = thisWeek?.overall.change;
  if (!thisWeek || !change) {
    return null;
  }
  const cell = thisWeek.overall;
  const prevCounts = metrics.periods.at(-2)?.overall.distribution;
  const verdict =
    familyOf(survey.kind) === 'nps' && prevCounts
      ? detectSignificantDrop(
          npsCountsFromScoreCounts(prevCounts),
          npsCountsFromScoreCounts(cell.distribution),
        ).verdict
      : change.significant &&
          (change.difference ?? 0) <= -5 &&
          cell.n >= MIN_RESPONSES &&
          change.previousN >= MIN_RESPONSES
        ? 'significant-drop'
        : 'no';
  if (verdict !== 'significant-drop') {
    return null;
  }
  const name = scoreName(survey.kind);
  return {
    type: 'drop',
    surveyId: survey.id,
    surveyName: survey.name,
    title: `${name} dropped ${Math.abs(change.difference ?? 0).toFixed(1)} this week`,
    potentialPoints: null,
    impactPoints: change.difference,
    score: cell.score,
    n: cell.n,
    detail: `${formatScore(survey.kind, cell.score)} from ${formatScore(survey.kind, change.previousScore)} the week before (n = ${cell.n} vs ${change.previousN}; ${formatP(change.pValue)}).`,
    quotes: [],
    suggestedOwner: ownerFor(survey, (a) => a.target_type === 'survey', owners),
    actionDraft: {
      surveyId: survey.id,
      title: `Recover ${name} of ${survey.name}`,
      target: { type: 'survey' },
    },
    link: responsesLink({ surveyId: survey.id, ...week }),
  };
}
