import type { Kysely } from 'kysely';
import type { Database, Survey, Workspace } from '../../db/schema';
import type { Clock } from '../clock';
import { answerFiguresForSurveys } from '../analytics/answer-report.service';
import type { QuestionFigures } from '../analytics/answer-report.service';
import { loadMetricsBatch } from '../analytics/metrics-batch.service';
import type { MetricsBatch } from '../analytics/metrics-batch.service';
import { themesForSurveys } from '../analytics/themes.service';
import type { ThemedComments } from '../analytics/themes.service';
import type { PeriodUnit } from '../platform/periods';
import { findSegmentDimensions } from './report-data.repository';

/** Segment dimensions a report breaks a survey down by, at most. */
export const MAX_SEGMENT_DIMENSIONS = 5;

/** What every section of a report reads, loaded up front in a fixed number of statements. */
export interface ReportInputs {
  /** Segment properties per survey: the declared ones, else those with responses. */
  dimensions: Map<string, string[]>;
  metrics: MetricsBatch;
  themes: Map<string, ThemedComments | null>;
  /** The additional questions' figures per survey (one statement for all the surveys). */
  questions: Map<string, QuestionFigures[]>;
}

export async function loadReportInputs(
  db: Kysely<Database>,
  clock: Clock,
  workspace: Workspace,
  surveys: readonly Survey[],
  plan: {
    unit: PeriodUnit;
    /** Local days [from, to] of overall counts; segments from `segmentsFrom` (period starts). */
    from: string;
    segmentsFrom: string;
    to: string;
    /** Segment properties are those with responses in [dimensionsFrom, to]. */
    dimensionsFrom: string;
    themes: { from: Date; to: Date };
    /** Answers to the additional questions of responses in [from, to). */
    questions: { from: Date; to: Date };
    responseRates: boolean;
  },
): Promise<ReportInputs> {
  const undeclared = surveys.filter((s) => s.segment_properties.length === 0).map((s) => s.id);
  const found = await findSegmentDimensions(
    db,
    workspace.id,
    undeclared,
    { from: plan.dimensionsFrom, to: plan.to },
    MAX_SEGMENT_DIMENSIONS,
  );
  const dimensions = new Map(
    surveys.map((s) => [
      s.id,
      (s.segment_properties.length > 0 ? s.segment_properties : (found.get(s.id) ?? [])).slice(
        0,
        MAX_SEGMENT_DIMENSIONS,
      ),
    ]),
  );
  const [metrics, themes, questions] = await Promise.all([
    loadMetricsBatch(db, clock, workspace, {
      surveys: surveys.map((s) => ({ id: s.id, kind: s.kind, dimensions: dimensions.get(s.id)! })),
      unit: plan.unit,
      from: plan.from,
      segmentsFrom: plan.segmentsFrom,
      to: plan.to,
      responseRates: plan.responseRates,
    }),
    themesForSurveys(db, workspace.id, surveys, plan.themes),
    answerFiguresForSurveys(db, workspace.id, surveys, plan.questions),
  ]);
  return { dimensions, metrics, themes, questions };
}
