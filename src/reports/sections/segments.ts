import type { Survey } from '../../../db/schema';
import type { Cell, SurveyMetricsDto } from '../../analytics/metrics.schemas';
import { SCORE_SLOTS } from '../../analytics/metrics.service';
import {
  adjustBenjaminiHochberg,
  npsCountsFromScoreCounts,
  rankByImprovementPotential,
} from '../../scoring';
import { familyOf, LOW_SCORE_MAX } from '../../surveys/scales';
import { responsesLink } from '../period-range';
import { MIN_RESPONSES, scoreName } from '../report-format';
import type { SegmentRow, WeeklyItem } from '../report.types';
import { detractorsLink } from './headline';
import { ownerFor } from './owners';
import type { OwnerContext } from './owners';
import { quoteTarget } from './quotes';
import type { QuoteTarget } from '../report-data.repository';

const MAX_SEGMENT_ROWS = 10;

type Range = { from: Date; to: Date };

export const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
/** Low scores (the rule follow-up cases use): counts are indexed by score. */
export function unhappy(kind: Survey['kind'], counts: readonly number[]): number {
  return sum(counts.slice(0, LOW_SCORE_MAX[kind] + 1));
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

/**
 * Segments of the month, ranked by what they cost overall; movers after Benjamini–Hochberg.
 * `byProperty` holds each dimension's metrics for the month (compared with the previous one).
 */
export function monthlySegmentRows(
  survey: Survey,
  overall: Cell,
  byProperty: readonly { property: string; metrics: SurveyMetricsDto }[],
  range: Range,
): SegmentRow[] {
  const rows: Omit<SegmentRow, 'mover' | 'adjustedPValue'>[] = [];
  for (const { property, metrics } of byProperty) {
    const cells = metrics.periods[0]?.segments ?? [];
    const ranked =
      familyOf(survey.kind) === 'nps'
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
      familyOf(survey.kind) === 'nps'
        ? (b.potentialPoints ?? 0) - (a.potentialPoints ?? 0)
        : (a.cell.score ?? Infinity) - (b.cell.score ?? Infinity) || b.cell.n - a.cell.n,
    )
    .slice(0, MAX_SEGMENT_ROWS);
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

/**
 * One weekly item per segment value that costs the survey points over the ranking window,
 * each with the quotes it wants (read later, for the items kept).
 */
export function weeklySegmentItems(
  survey: Survey,
  overall: SurveyMetricsDto['overall'],
  byProperty: readonly { property: string; metrics: SurveyMetricsDto }[],
  window: Range,
  owners: OwnerContext,
): { item: WeeklyItem; target: QuoteTarget }[] {
  const n = overall.n;
  const name = scoreName(survey.kind);
  const items: { item: WeeklyItem; target: QuoteTarget }[] = [];
  for (const { property, metrics } of byProperty) {
    const byValue = wholeRange(metrics.periods);
    const rank =
      familyOf(survey.kind) === 'nps'
        ? rankByImprovementPotential(
            npsCountsFromScoreCounts(overall.distribution),
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
      const item: WeeklyItem = {
        type: 'segment',
        surveyId: survey.id,
        surveyName: survey.name,
        title: `${property} = ${value}`,
        potentialPoints: potential,
        impactPoints: r?.impactPoints ?? null,
        score: null,
        n: segN,
        detail:
          familyOf(survey.kind) === 'nps'
            ? `${unhappy(survey.kind, counts)} of ${segN} are detractors; if they became passives, overall ${name} would rise ${potential.toFixed(1)} points.`
            : `${unhappy(survey.kind, counts)} of ${segN} answered low; they are ${potential.toFixed(1)} % of all answers.`,
        quotes: [],
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
      };
      items.push({ item, target: quoteTarget(survey, window, segment) });
    }
  }
  return items;
}
