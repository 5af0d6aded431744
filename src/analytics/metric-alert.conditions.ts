import type { Kysely } from 'kysely';
import type { Database, JsonObject, SurveyKind } from '../../db/schema';
import type { MetricAlertRulesTable } from '../../db/schema/metric-alerts';
import type { Selectable } from 'kysely';
import { compareNps, compareProportions, countLowerLimit } from '../scoring';
import { KINDS, familyOf } from '../surveys/scales';
import { countAnswers, countAnswersPerDay } from './metric-alert.repository';

const DAY_MS = 86_400_000;

type Rule = Selectable<MetricAlertRulesTable> & { kind: SurveyKind };

/** firing null: not enough data to tell, so the rule keeps its state. */
export interface Verdict {
  firing: boolean | null;
  detail: JsonObject;
}

interface Counts {
  total: number;
  positive: number;
  low: number;
}

/** NPS points for the NPS family, else the % of positive answers; null without answers. */
function scoreOf(kind: SurveyKind, c: Counts): number | null {
  if (c.total === 0) {
    return null;
  }
  return familyOf(kind) === 'nps'
    ? (100 * (c.positive - c.low)) / c.total
    : (100 * c.positive) / c.total;
}

const round = (x: number | null, digits = 1) =>
  x === null ? null : Math.round(x * 10 ** digits) / 10 ** digits;

async function windowCounts(db: Kysely<Database>, rule: Rule, now: Date, back: number) {
  const to = new Date(now.getTime() - back * rule.window_days * DAY_MS);
  const from = new Date(to.getTime() - rule.window_days * DAY_MS);
  return countAnswers(db, {
    workspaceId: rule.workspace_id,
    surveyId: rule.survey_id,
    from,
    to,
    positiveMin: KINDS[rule.kind].positiveMin,
  });
}

async function belowThreshold(db: Kysely<Database>, rule: Rule, now: Date): Promise<Verdict> {
  const c = await windowCounts(db, rule, now, 0);
  const score = scoreOf(rule.kind, c);
  const detail = { responses: c.total, score: round(score), threshold: rule.threshold };
  if (score === null || c.total < rule.min_responses || rule.threshold === null) {
    return { firing: null, detail };
  }
  return { firing: score < rule.threshold, detail };
}

/** The window against the one before it, decided by the two-sample test (STATISTICS.md §5, §7). */
async function significantDrop(db: Kysely<Database>, rule: Rule, now: Date): Promise<Verdict> {
  const current = await windowCounts(db, rule, now, 0);
  const previous = await windowCounts(db, rule, now, 1);
  const toNps = (c: Counts) => ({
    promoters: c.positive,
    passives: c.total - c.positive - c.low,
    detractors: c.low,
  });
  const test =
    familyOf(rule.kind) === 'nps'
      ? compareNps(toNps(current), toNps(previous))
      : compareProportions(
          { successes: current.positive, total: current.total },
          { successes: previous.positive, total: previous.total },
        );
  const difference =
    test === null
      ? null
      : 'differencePoints' in test
        ? test.differencePoints
        : test.differencePercent;
  const detail = {
    responses: current.total,
    previousResponses: previous.total,
    score: round(scoreOf(rule.kind, current)),
    previousScore: round(scoreOf(rule.kind, previous)),
    difference: round(difference),
    pValue: test === null ? null : round(test.pValue, 4),
    alpha: rule.alpha,
  };
  if (test === null || Math.min(current.total, previous.total) < rule.min_responses) {
    return { firing: null, detail };
  }
  return { firing: difference !== null && difference < 0 && test.pValue < rule.alpha, detail };
}

/**
 * The last window's count against a lower control limit from the baseline weeks before it:
 * windows of the same length back to back, or only those a whole number of weeks back.
 */
async function lowVolume(db: Kysely<Database>, rule: Rule, now: Date): Promise<Verdict> {
  const w = rule.window_days;
  const baselineDays = rule.baseline_weeks * 7;
  const perDay = await countAnswersPerDay(db, {
    workspaceId: rule.workspace_id,
    surveyId: rule.survey_id,
    now,
    days: w + baselineDays,
  });
  const sum = (start: number) => perDay.slice(start, start + w).reduce((a, b) => a + b, 0);
  const starts = rule.same_weekday
    ? Array.from({ length: rule.baseline_weeks }, (_, k) => 7 * (k + 1))
    : Array.from({ length: Math.floor(baselineDays / w) }, (_, j) => w * (j + 1));
  const baseline = starts.filter((s) => s + w <= w + baselineDays).map(sum);
  const count = sum(0);
  const limit = countLowerLimit(baseline, { method: rule.limit_method });
  const detail = {
    responses: count,
    baselineMean: round(limit?.mean ?? null),
    lowerLimit: round(limit?.lower ?? null),
    method: rule.limit_method,
  };
  if (limit === null || limit.mean === 0) {
    return { firing: null, detail };
  }
  return { firing: count < limit.lower, detail };
}

export async function judgeRule(db: Kysely<Database>, rule: Rule, now: Date): Promise<Verdict> {
  switch (rule.condition) {
    case 'below_threshold':
      return belowThreshold(db, rule, now);
    case 'significant_drop':
      return significantDrop(db, rule, now);
    case 'low_volume':
      return lowVolume(db, rule, now);
  }
}
