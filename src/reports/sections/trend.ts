import type { SurveyMetricsDto } from '../../analytics/metrics.schemas';
import { instantRange, periodLabel, responsesLink } from '../period-range';
import type { SurveySection } from '../report.types';

/** The last 12 months of a survey with their intervals, and the fitted slope in words. */
export function monthlyTrend(
  surveyId: string,
  metrics: SurveyMetricsDto,
  timeZone: string,
): SurveySection['trend'] {
  const fit = metrics.trend;
  return {
    points: metrics.periods.map((p) => {
      const r = instantRange(p.start, p.end, timeZone);
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
        link: responsesLink({ surveyId, ...r }),
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
  };
}
