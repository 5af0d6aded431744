import type { Kysely } from 'kysely';
import type { Database, SurveyKind } from '../../db/schema';
import type { Clock } from '../clock';
import type { PeriodUnit } from '../platform/periods';
import type { MetricsQuery, SurveyMetricsDto } from './metrics.schemas';
import { countResponseRatesForSurveys } from './metrics.repository';
import type { ResponseRate } from './metrics.repository';
import { countByPeriodForSurveys } from './rollup.repository';
import type { PeriodCountsRow } from './rollup.repository';
import { OVERALL, resolveMetricsQuery, surveyMetricsFromRows, todayIn } from './survey-metrics';

export interface MetricsBatchPlan {
  surveys: { id: string; kind: SurveyKind; dimensions: string[] }[];
  unit: PeriodUnit;
  /** First day of overall counts (a period start). */
  from: string;
  /** First day of segment counts (a period start, not before `from`). */
  segmentsFrom: string;
  to: string;
  /** Whether response rates are read too (one more statement). */
  responseRates: boolean;
}

export interface MetricsBatch {
  /**
   * What getSurveyMetrics returns for this survey and query, computed from the batch's rows;
   * the query must lie within the plan (same unit and end, dates and segment covered).
   */
  metrics(surveyId: string, query: MetricsQuery): SurveyMetricsDto;
}

/**
 * Reads the score counts of every survey and segment dimension a report needs in one
 * statement (and their response rates in one more), so building a report costs the same
 * number of queries however many surveys and segments it has.
 */
export async function loadMetricsBatch(
  db: Kysely<Database>,
  clock: Clock,
  workspace: { id: string; time_zone: string },
  plan: MetricsBatchPlan,
): Promise<MetricsBatch> {
  const tz = workspace.time_zone;
  const [rows, rates] = await Promise.all([
    countByPeriodForSurveys(db, {
      workspaceId: workspace.id,
      dimensions: plan.surveys.flatMap((s) =>
        [OVERALL, ...s.dimensions].map((dimension) => ({ surveyId: s.id, dimension })),
      ),
      from: plan.from,
      segmentsFrom: plan.segmentsFrom,
      to: plan.to,
      unit: plan.unit,
    }),
    plan.responseRates
      ? countResponseRatesForSurveys(db, {
          workspaceId: workspace.id,
          surveyIds: plan.surveys.map((s) => s.id),
          timeZone: tz,
          from: plan.from,
          to: plan.to,
          unit: plan.unit,
        })
      : Promise.resolve(new Map<string, Map<string, ResponseRate>>()),
  ]);
  const rowsOf = new Map<string, PeriodCountsRow[]>();
  for (const row of rows) {
    const list = rowsOf.get(row.surveyId) ?? [];
    list.push(row);
    rowsOf.set(row.surveyId, list);
  }
  const surveys = new Map(plan.surveys.map((s) => [s.id, s]));
  const today = todayIn(clock.now(), tz);
  return {
    metrics(surveyId, query) {
      const survey = surveys.get(surveyId);
      const r = resolveMetricsQuery(query, today);
      const segmentFrom = query.segment ? plan.segmentsFrom : plan.from;
      if (
        !survey ||
        r.unit !== plan.unit ||
        r.until !== plan.to ||
        r.from < segmentFrom ||
        (query.segment !== undefined && !survey.dimensions.includes(query.segment))
      ) {
        throw new Error(`metrics query outside the batch read for survey ${surveyId}`);
      }
      const dimensions = new Set([OVERALL, query.segment ?? OVERALL]);
      // Exactly the rows getSurveyMetrics would read: segment values come from them.
      const own = (rowsOf.get(surveyId) ?? []).filter(
        (row) => dimensions.has(row.dimension) && row.period >= r.from,
      );
      return surveyMetricsFromRows(
        survey,
        tz,
        query,
        r,
        own,
        plan.responseRates ? (rates.get(surveyId) ?? new Map()) : new Map(),
      );
    },
  };
}
