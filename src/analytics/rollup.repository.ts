import type { PeriodUnit } from '../platform/periods';
import { wholeMonthsBetween } from '../platform/periods';
import { sql } from 'kysely';
import type { Kysely, RawBuilder } from 'kysely';
import type { Database } from '../../db/schema';

export const SCORE_SLOTS = 11;
const SLOTS = Array.from({ length: SCORE_SLOTS }, (_, i) => i);

export interface PeriodCountsRow {
  period: string;
  dimension: string;
  value: string;
  /** counts[v] = counted responses with score v. */
  counts: number[];
}

/** Folds pending deltas into the rollups; returns how many delta rows were merged. */
export async function mergeRollupDeltas(db: Kysely<Database>): Promise<number> {
  const { rows } = await sql<{ n: number }>`select merge_rollup_deltas() as n`.execute(db);
  return rows[0]?.n ?? 0;
}

const sumSlots = sql.raw(SLOTS.map((i) => `sum(s${i})::int as s${i}`).join(', '));
const deltaSlots = sql.raw(
  SLOTS.map((i) => `case when score = ${i} then delta else 0 end as s${i}`).join(', '),
);
const rollupSlots = sql.raw(SLOTS.map((i) => `s${i}`).join(', '));

function toCounts(row: Record<string, unknown>): number[] {
  return SLOTS.map((i) => Number(row[`s${i}`] ?? 0));
}

type CountsRow = {
  period: string;
  dimension: string;
  value: string;
  survey_id: string | null;
} & Record<string, unknown>;

/** What a read covers: the key conditions (workspace, surveys, dimensions) and the local days [from, to]. */
interface RollupRange {
  keys: RawBuilder<unknown>;
  from: string;
  to: string;
  /** A further condition on the day column; must hold for a whole month or for none of its days. */
  onDay?: (day: RawBuilder<unknown>) => RawBuilder<unknown>;
}

const ALWAYS = () => sql`true`;

/**
 * The rows to sum for a range: with whole months (periods of a month or longer), those months
 * from the monthly rollups and the edge days from the daily ones, else the daily rollups only;
 * plus the pending deltas of every day. Each month row is the sum of its day rows and exists
 * exactly when one of them does, so both give the same groups and counts.
 */
function rollupSources(range: RollupRange, unit: PeriodUnit, monthly: boolean) {
  const { keys, from, to } = range;
  const onDay = range.onDay ?? ALWAYS;
  const day = sql.ref('day');
  const deltas = sql`select survey_id, day, dimension, value, ${deltaSlots} from rollup_deltas
    where ${keys} and day >= ${from}::date and day <= ${to}::date and ${onDay(day)}`;
  const months =
    monthly && (unit === 'month' || unit === 'quarter') ? wholeMonthsBetween(from, to) : null;
  if (!months) {
    return sql`select survey_id, day, dimension, value, ${rollupSlots} from response_rollups
      where ${keys} and day >= ${from}::date and day <= ${to}::date and ${onDay(day)}
      union all ${deltas}`;
  }
  // The partial months at the edges, from the daily rollups (none when the range is whole months).
  const edges = [
    ...(from < months.start ? [sql`(day >= ${from}::date and day < ${months.start}::date)`] : []),
    ...(months.end <= to ? [sql`(day >= ${months.end}::date and day <= ${to}::date)`] : []),
  ];
  const edgeDays = edges.length
    ? sql`select survey_id, day, dimension, value, ${rollupSlots} from response_rollups
        where ${keys} and (${sql.join(edges, sql` or `)}) and ${onDay(day)}
      union all`
    : sql``;
  return sql`select survey_id, month as day, dimension, value, ${rollupSlots} from response_rollups_monthly
      where ${keys} and month >= ${months.start}::date and month < ${months.end}::date and ${onDay(sql.ref('month'))}
    union all ${edgeDays} ${deltas}`;
}

/**
 * Sums the rollups plus the deltas not merged yet in `range`, per period (one statement, so
 * one consistent snapshot). `monthly: false` reads the daily rollups only (for tests).
 */
async function sumByPeriod(
  db: Kysely<Database>,
  range: RollupRange,
  unit: PeriodUnit,
  bySurvey: boolean,
  monthly = true,
): Promise<(PeriodCountsRow & { surveyId: string | null })[]> {
  const surveyKey = bySurvey ? sql`survey_id::text` : sql`null::text`;
  const { rows } = await sql<CountsRow>`
    select to_char(period, 'YYYY-MM-DD') as period, dimension, value, survey_id, ${rollupSlots}
    from (
      -- NOTE: group on the timestamp and format the few result rows, not every rollup row.
      select date_trunc(${unit}, day::timestamp) as period, dimension, value,
             ${surveyKey} as survey_id, ${sumSlots}
      from (${rollupSources(range, unit, monthly)}) x
      group by 1, 2, 3, 4
    ) g
    order by 1, 2, 3`.execute(db);
  return rows.map((r) => ({
    period: r.period,
    dimension: r.dimension,
    value: r.value,
    surveyId: r.survey_id,
    counts: toCounts(r),
  }));
}

/**
 * Score counts per period, dimension and value for one or more surveys, read from the
 * rollups plus the deltas not merged yet (one statement, so one consistent snapshot).
 * `monthly: false` skips the monthly rollups (tests compare both paths).
 */
export async function countByPeriod(
  db: Kysely<Database>,
  q: {
    workspaceId: string;
    surveyIds: string[];
    dimensions: string[];
    from: string;
    to: string;
    unit: PeriodUnit;
    bySurvey?: boolean;
    monthly?: boolean;
  },
): Promise<(PeriodCountsRow & { surveyId: string | null })[]> {
  if (q.surveyIds.length === 0) {
    return [];
  }
  const keys = sql`workspace_id = ${q.workspaceId}
      and survey_id in (${sql.join(q.surveyIds)})
      and dimension in (${sql.join(q.dimensions)})`;
  return sumByPeriod(
    db,
    { keys, from: q.from, to: q.to },
    q.unit,
    q.bySurvey ?? false,
    q.monthly ?? true,
  );
}

/**
 * Score counts per survey, period, dimension and value for several surveys, each with its own
 * dimensions, in one statement: a report reads every survey and segment at once. The overall
 * dimension ('') is read from `from`, the others only from `segmentsFrom` on.
 */
export async function countByPeriodForSurveys(
  db: Kysely<Database>,
  q: {
    workspaceId: string;
    dimensions: { surveyId: string; dimension: string }[];
    from: string;
    segmentsFrom: string;
    to: string;
    unit: PeriodUnit;
    monthly?: boolean;
  },
): Promise<(PeriodCountsRow & { surveyId: string })[]> {
  if (q.dimensions.length === 0) {
    return [];
  }
  const surveyIds = q.dimensions.map((d) => d.surveyId);
  const names = q.dimensions.map((d) => d.dimension);
  const keys = sql`workspace_id = ${q.workspaceId}
      and (survey_id, dimension) in (select * from unnest(${surveyIds}::uuid[], ${names}::text[]))`;
  const onDay = (day: RawBuilder<unknown>) =>
    sql`(dimension = '' or ${day} >= ${q.segmentsFrom}::date)`;
  // NOTE: the segment cut-off holds for whole months only when it is a month start.
  const monthly = (q.monthly ?? true) && q.segmentsFrom.endsWith('-01');
  const rows = await sumByPeriod(
    db,
    { keys, from: q.from, to: q.to, onDay },
    q.unit,
    true,
    monthly,
  );
  return rows.map((r) => ({ ...r, surveyId: r.surveyId! }));
}

/**
 * Recomputes one survey's daily rollups from the counted responses (after a time-zone change,
 * or on demand), then its monthly rollups from those days; returns the number of daily rows.
 * Runs in one REPEATABLE READ snapshot: deltas of answers committed later stay and are added
 * on top, so nothing is counted twice or lost.
 */
export async function rebuildRollups(
  db: Kysely<Database>,
  workspaceId: string,
  surveyId: string,
): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db
        .transaction()
        .setIsolationLevel('repeatable read')
        .execute(async (trx) => {
          await sql`delete from rollup_deltas where workspace_id = ${workspaceId} and survey_id = ${surveyId}`.execute(
            trx,
          );
          await sql`delete from response_rollups where workspace_id = ${workspaceId} and survey_id = ${surveyId}`.execute(
            trx,
          );
          const counts = sql.raw(
            SLOTS.map((i) => `count(*) filter (where r.score = ${i})::int`).join(', '),
          );
          const result = await sql`
            insert into response_rollups (workspace_id, survey_id, day, dimension, value, ${rollupSlots})
            select r.workspace_id, r.survey_id, (r.created_at at time zone w.time_zone)::date, d.dimension, d.value, ${counts}
            from counted_responses r
            join workspaces w on w.id = r.workspace_id
            cross join lateral rollup_dimensions(r.segment) d
            where r.workspace_id = ${workspaceId} and r.survey_id = ${surveyId}
            group by 1, 2, 3, 4, 5`.execute(trx);
          await sql`delete from response_rollups_monthly where workspace_id = ${workspaceId} and survey_id = ${surveyId}`.execute(
            trx,
          );
          await sql`
            insert into response_rollups_monthly (workspace_id, survey_id, month, dimension, value, ${rollupSlots})
            select workspace_id, survey_id, date_trunc('month', day)::date, dimension, value, ${sumSlots}
            from response_rollups
            where workspace_id = ${workspaceId} and survey_id = ${surveyId}
            group by 1, 2, 3, 4, 5`.execute(trx);
          return Number(result.numAffectedRows ?? 0n);
        });
    } catch (err) {
      // A merge that committed after our snapshot conflicts (40001); the next attempt sees it.
      if ((err as { code?: string }).code !== '40001' || attempt >= 5) {
        throw err;
      }
    }
  }
}
