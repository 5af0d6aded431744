import type { Kysely } from 'kysely';
import type { Database, Survey } from '../../../db/schema';
import { LOW_SCORE_MAX } from '../../surveys/scales';
import { findLowScoreComments } from '../report-data.repository';
import type { QuoteTarget } from '../report-data.repository';
import { truncate } from '../report-format';
import type { Quote } from '../report.types';

export const QUOTES = 2;

export function quoteTarget(
  survey: Survey,
  range: { from: Date; to: Date },
  segment?: { property: string; value: string },
): QuoteTarget {
  return {
    surveyId: survey.id,
    maxScore: LOW_SCORE_MAX[survey.kind],
    ...range,
    ...(segment ? { segment } : {}),
  };
}

/**
 * Quotes are read last, for the items the report keeps, in one statement: reading them per
 * item made a report's query count grow with its surveys and segments.
 */
export async function fillQuotes(
  db: Kysely<Database>,
  workspaceId: string,
  wanted: readonly { item: { quotes: Quote[] }; target: QuoteTarget }[],
): Promise<void> {
  const found = await findLowScoreComments(
    db,
    workspaceId,
    wanted.map((w) => w.target),
    QUOTES,
  );
  wanted.forEach(({ item }, i) => {
    item.quotes = (found[i] ?? []).map((r) => ({
      responseId: r.id,
      score: r.score,
      text: truncate(r.comment ?? '', 300),
      link: `/api/responses/${r.id}`,
    }));
  });
}
