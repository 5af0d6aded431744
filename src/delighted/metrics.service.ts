import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { Clock } from '../clock';
import { ValidationError } from '../errors';
import { emptyCounts, scoreCell } from '../analytics/metrics.service';
import { localDate } from '../platform/periods';
import { familyOf } from '../surveys/scales';
import { countSurveyScores } from '../analytics/rollup.service';
import { getWorkspace } from '../workspaces/workspace.service';
import type { MetricsQueryV1 } from './delighted.schemas';
import { surveyForTrend } from './survey-response.service';

const DEFAULT_DAYS = 30;
const snakeCase = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const pct = (part: number, n: number) => (n > 0 ? Math.round((part / n) * 1000) / 10 : 0);

/**
 * GET /v1/metrics with Delighted's field names, read from Glas's rollups. Rollups are per
 * local day of the workspace, so since/until select whole days. Glas adds the score's
 * confidence interval and the days it covered as extra fields old clients ignore.
 */
export async function delightedMetrics(
  db: Kysely<Database>,
  clock: Clock,
  workspaceId: string,
  q: MetricsQueryV1,
) {
  const until = q.until ?? clock.now();
  const since = q.since ?? new Date(until.getTime() - DEFAULT_DAYS * 86_400_000);
  if (since > until) {
    throw new ValidationError([
      { field: 'since', issue: 'must not be after until', location: 'query' },
    ]);
  }
  const [survey, workspace] = await Promise.all([
    surveyForTrend(db, workspaceId, q.trend),
    getWorkspace(db, workspaceId),
  ]);
  const from = localDate(since, workspace.time_zone);
  const to = localDate(until, workspace.time_zone);
  const counts = survey
    ? await countSurveyScores(db, { workspaceId, surveyId: survey.id, from, to })
    : emptyCounts();
  const kind = survey?.kind ?? 'nps';
  const cell = scoreCell(kind, counts, 0.95);
  const n = cell.n;
  const glas = {
    survey_id: survey?.id ?? null,
    survey_type: kind,
    score: cell.score,
    interval: cell.interval
      ? {
          lower: cell.interval.lower,
          upper: cell.interval.upper,
          confidence: cell.interval.confidence,
        }
      : null,
    too_few_responses: cell.tooFewResponses,
    time_zone: workspace.time_zone,
    since_day: from,
    until_day: to,
  };
  if (familyOf(kind) !== 'nps') {
    // NOTE: Delighted's metric fields for the other survey types are unconfirmed; Glas's own
    // categories are given instead (snake_case, as `thumbs` → up_count, down_count).
    return {
      response_count: n,
      ...Object.fromEntries(
        Object.entries(cell.categories).map(([k, v]) => [`${snakeCase(k)}_count`, v]),
      ),
      glas: {
        ...glas,
        ...(cell.share ? { top_percent: cell.share.percent } : {}),
        ...(cell.benchmark
          ? { benchmark_percent: cell.benchmark.percent, benchmark: cell.benchmark.verdict }
          : {}),
      },
    };
  }
  const c = cell.categories as { promoters: number; passives: number; detractors: number };
  return {
    nps: cell.score === null ? 0 : Math.round(cell.score),
    promoter_count: c.promoters,
    promoter_percent: pct(c.promoters, n),
    passive_count: c.passives,
    passive_percent: pct(c.passives, n),
    detractor_count: c.detractors,
    detractor_percent: pct(c.detractors, n),
    response_count: n,
    glas,
  };
}
