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
 * response that counts.
 */
export async function countResponseRates(
  db: Kysely<Database>,
  q: {
    workspaceId: string;
    surveyId: string;
    timeZone: string;
    from: string;
    to: string;
    unit: PeriodUnit;
  },
): Promise<Map<string, ResponseRate>> {
  const { rows } = await sql<{ period: string; sent: string; delivered: string; answered: string }>`
    select to_char(date_trunc(${q.unit}, (coalesce(i.sent_at, i.claimed_at) at time zone ${q.timeZone})::date), 'YYYY-MM-DD') as period,
           count(*) as sent,
           count(*) filter (where i.status = 'sent') as delivered,
           count(*) filter (where i.status = 'sent' and exists (
             select 1 from counted_responses r where r.invitation_id = i.id and r.workspace_id = i.workspace_id
           )) as answered
    from invitations i
    where i.workspace_id = ${q.workspaceId}
      and i.survey_id = ${q.surveyId}
      and i.status in ('sent', 'send_unknown', 'bounced')
      and coalesce(i.sent_at, i.claimed_at) >= (${q.from}::date::timestamp at time zone ${q.timeZone})
      and coalesce(i.sent_at, i.claimed_at) < ((${q.to}::date + 1)::timestamp at time zone ${q.timeZone})
    group by 1`.execute(db);
  return new Map(
    rows.map((r) => [
      r.period,
      { sent: Number(r.sent), delivered: Number(r.delivered), answered: Number(r.answered) },
    ]),
  );
}
