import type { SurveyKind } from '../../../db/schema';
import type { Cell, SurveyMetricsDto } from '../../analytics/metrics.schemas';
import { trendChart } from './charts';

export const KIND_LABEL: Record<SurveyKind, string> = { nps: 'NPS', csat: 'CSAT', ces: 'CES' };
export const KIND_SCALE: Record<SurveyKind, { min: number; max: number; unit: string }> = {
  nps: { min: -100, max: 100, unit: 'points' },
  csat: { min: 0, max: 100, unit: '%' },
  ces: { min: 1, max: 7, unit: 'mean 1–7' },
};

/** A cell as the templates show it: score, interval, n, change and its significance. */
export function cellView(kind: SurveyKind, cell: Cell | null | undefined) {
  if (!cell) {
    return null;
  }
  const digits = kind === 'ces' ? 2 : 1;
  return {
    n: cell.n,
    score: cell.score,
    digits,
    lower: cell.interval?.displayLower ?? null,
    upper: cell.interval?.displayUpper ?? null,
    margin:
      cell.interval && cell.score !== null
        ? Math.max(cell.score - cell.interval.displayLower, cell.interval.displayUpper - cell.score)
        : null,
    tooFew: cell.tooFewResponses,
    change: cell.change
      ? {
          difference: cell.change.difference,
          significant: cell.change.significant,
          pValue: cell.change.pValue,
          comparedTo: cell.change.comparedTo,
          previousScore: cell.change.previousScore,
        }
      : null,
  };
}

export function surveyTrendChart(metrics: SurveyMetricsDto, name: string) {
  const scale = KIND_SCALE[metrics.kind];
  return trendChart(
    metrics.periods.map((p) => ({
      label: p.start.slice(0, 7),
      score: p.overall.score,
      lower: p.overall.interval?.displayLower ?? null,
      upper: p.overall.interval?.displayUpper ?? null,
    })),
    {
      ...scale,
      alt: `${KIND_LABEL[metrics.kind]} of ${name} per ${metrics.interval} from ${metrics.since} to ${metrics.until}, with its ${Math.round((metrics.overall.interval?.confidence ?? 0.95) * 100)}% interval band`,
    },
  );
}
