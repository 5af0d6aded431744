import type { Kysely } from 'kysely';
import type { Database, Survey } from '../../../db/schema';
import { countClosedLoop, findOverdueCases } from '../report-data.repository';
import { truncate } from '../report-format';
import type { ClosedLoop, WeeklyItem } from '../report.types';
import { ownerFor } from './owners';
import type { OwnerContext } from './owners';
import { QUOTES } from './quotes';

type Range = { from: Date; to: Date };

/** Follow-up cases opened in the range, by how their first contact met the SLA. */
export async function closedLoopOf(
  db: Kysely<Database>,
  workspaceId: string,
  range: Range,
  asOf: Date,
): Promise<ClosedLoop> {
  const c = await countClosedLoop(db, workspaceId, range, asOf);
  const decided = c.within + c.late + c.pastDue;
  const q = new URLSearchParams({
    period: 'month',
    since: range.from.toISOString(),
    until: range.to.toISOString(),
  });
  return {
    detractorCases: c.total,
    contactedWithinSla: c.within,
    contactedLate: c.late,
    openPastDue: c.pastDue,
    openWithinSla: c.openWithin,
    resolved: c.resolved,
    withinSlaRate: decided > 0 ? c.within / decided : null,
    link: `/api/followups/recovery?${q.toString()}`,
    overdueLink: '/api/followups?overdue=true',
  };
}

/** Open cases past their SLA as of `asOf`: their count, and one weekly item per survey that has any. */
export async function weeklyOverdue(
  db: Kysely<Database>,
  workspaceId: string,
  surveys: readonly Survey[],
  asOf: Date,
  owners: OwnerContext,
): Promise<{ count: number; items: WeeklyItem[] }> {
  const overdue = await findOverdueCases(db, workspaceId, asOf, 200);
  const items: WeeklyItem[] = [];
  for (const survey of surveys) {
    const cases = overdue.filter((c) => c.survey_id === survey.id);
    if (cases.length === 0) {
      continue;
    }
    const owner = cases.find((c) => c.owner_email);
    items.push({
      type: 'overdue_cases',
      surveyId: survey.id,
      surveyName: survey.name,
      title: `${cases.length} follow-up case${cases.length === 1 ? '' : 's'} past the SLA`,
      potentialPoints: null,
      impactPoints: null,
      score: null,
      n: cases.length,
      detail: `Oldest due ${cases[0]!.due_at.toISOString().slice(0, 16).replace('T', ' ')} UTC.`,
      quotes: cases
        .filter((c) => c.comment)
        .slice(0, QUOTES)
        .map((c) => ({
          responseId: c.response_id,
          score: c.score,
          text: truncate(c.comment ?? '', 300),
          link: `/api/followups/${c.id}`,
        })),
      suggestedOwner: owner
        ? {
            name: owner.owner_name,
            email: owner.owner_email,
            why: 'owner of the oldest overdue case',
          }
        : ownerFor(survey, () => false, owners),
      actionDraft: null,
      link: `/api/followups?overdue=true&surveyId=${survey.id}`,
    });
  }
  return { count: overdue.length, items };
}
