import type { Kysely } from 'kysely';
import type { Database, Report } from '../../db/schema';
import { AppError } from '../errors';
import { addDays, addMonths } from '../platform/periods';
import type { ListResponsesQuery } from '../collector/response.schemas';
import { getResponse, listResponses } from '../collector/response.service';

/**
 * The responses behind one of a stored report's figures: one survey, within the report's
 * period and the twelve months of trend before it, read-only. Anything wider is refused, so
 * the evidence page is not a way around the Responses area for executives or link holders.
 */
export async function reportEvidence(
  db: Kysely<Database>,
  report: Report,
  query: ListResponsesQuery & { response?: string | undefined },
) {
  const earliest = `${addMonths(report.period_start, -13)}T00:00:00Z`;
  const latest = `${addDays(report.period_end, 1)}T00:00:00Z`;
  if (query.response) {
    // A quoted comment: that one response, if it falls in the report's range.
    const one = await getResponse(db, report.workspace_id, query.response);
    if (one.createdAt < earliest || one.createdAt >= latest) {
      throw new AppError(400, 'outside_report', 'This response is not part of this report.');
    }
    return { data: [one], nextCursor: null };
  }
  const inRange =
    !!query.surveyId &&
    !!query.since &&
    !!query.until &&
    query.since >= earliest &&
    query.until <= latest;
  if (!inRange) {
    throw new AppError(400, 'outside_report', 'These figures are not part of this report.');
  }
  return listResponses(db, report.workspace_id, { ...query, limit: query.limit ?? 100 });
}
