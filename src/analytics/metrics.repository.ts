import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { PeriodUnit } from '../platform/periods';

export interface ResponseRate {
  sent: number;
  delivered: number;
  answered: number;
}

/**
 * Per period of the send date (workspace time zone): invitations sent (handed to SMTP,
 * including bounces and unknown outcomes), delivered (accepted), and answered with a
 * response that counts. `timeZone: null` reads the workspace's zone in the same statement.
 */
export async function countResponseRates(
  db: Kysely<Database>,
  q: {
    workspaceId: string;
    surveyId: string;
    timeZone: string | null;
    from: string;
    to: string;
    unit: PeriodUnit;
  },
): Promise<Map<string, ResponseRate>> {
  const bySurvey = await countResponseRatesForSurveys(db, { ...q, surveyIds: [q.surveyId] });
  return bySurvey.get(q.surveyId) ?? new Map();
}

/** countResponseRates for several surveys in one statement: survey id → period → rates. */
export async function countResponseRatesForSurveys(
  db: Kysely<Database>,
  q: {
    workspaceId: string;
    surveyIds: string[];
    timeZone: string | null;
    from: string;
    to: string;
    unit: PeriodUnit;
  },
): Promise<Map<string, Map<string, ResponseRate>>> {
  const result = new Map<string, Map<string, ResponseRate>>();
  if (q.surveyIds.length === 0) {
    return result;
  }
  const zone = q.timeZone ?? sql`(select time_zone from workspaces where id = ${q.workspaceId})`;
  const { rows } = await sql<{
    survey_id: string;
    period: string;
    sent: string;
    delivered: string;
    answered: string;
  }>`
    select i.survey_id::text as survey_id,
           to_char(date_trunc(${q.unit}, (coalesce(i.sent_at, i.claimed_at) at time zone ${zone})::date), 'YYYY-MM-DD') as period,
           count(*) as sent,
           count(*) filter (where i.status = 'sent') as delivered,
           count(*) filter (where i.status = 'sent' and exists (
             select 1 from counted_responses r where r.invitation_id = i.id and r.workspace_id = i.workspace_id
           )) as answered
    from invitations i
    where i.workspace_id = ${q.workspaceId}
      and i.survey_id in (${sql.join(q.surveyIds)})
      and i.status in ('sent', 'send_unknown', 'bounced')
      and coalesce(i.sent_at, i.claimed_at) >= (${q.from}::date::timestamp at time zone ${zone})
      and coalesce(i.sent_at, i.claimed_at) < ((${q.to}::date + 1)::timestamp at time zone ${zone})
    group by 1, 2`.execute(db);
  for (const r of rows) {
    const periods = result.get(r.survey_id) ?? new Map<string, ResponseRate>();
    periods.set(r.period, {
      sent: Number(r.sent),
      delivered: Number(r.delivered),
      answered: Number(r.answered),
    });
    result.set(r.survey_id, periods);
  }
  return result;
}
