import type { SurveyKind } from '../../../db/schema';
import { SURVEY_KINDS } from '../../../db/schema';
import { KIND_DISPLAY } from '../../surveys/scales';
import type { Cell, SurveyMetricsDto } from '../../analytics/metrics.schemas';
import { secondFigure } from '../../reports/report-format';
import { trendChart } from './charts';

export const KIND_LABEL = Object.fromEntries(
  SURVEY_KINDS.map((k) => [k, KIND_DISPLAY[k].name]),
) as Record<SurveyKind, string>;
export const KIND_SCALE = Object.fromEntries(
  SURVEY_KINDS.map((k) => [k, { ...KIND_DISPLAY[k].axis, unit: KIND_DISPLAY[k].unit }]),
) as Record<SurveyKind, { min: number; max: number; unit: string }>;

/** A cell as the templates show it: score, interval, n, change and its significance. */
export function cellView(kind: SurveyKind, cell: Cell | null | undefined) {
  if (!cell) {
    return null;
  }
  const digits = KIND_DISPLAY[kind].digits;
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
    extra: secondFigure(kind, cell),
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
