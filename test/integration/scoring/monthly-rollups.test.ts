import fc from 'fast-check';
import { sql } from 'kysely';
import {
  countByPeriod,
  countByPeriodForSurveys,
  rebuildRollups,
} from '../../../src/analytics/rollup.repository';
import { mergeRollups } from '../../../src/analytics/rollup.service';
import { addDays, wholeMonthsBetween } from '../../../src/platform/periods';
import type { PeriodUnit } from '../../../src/platform/periods';
import { buildSurvey, buildWorkspace } from '../../support/factories';
import { createTestWorld } from '../../support/test-context';
import type { TestWorld } from '../../support/test-context';

let world: TestWorld;

beforeAll(async () => {
  world = await createTestWorld();
});
afterAll(async () => {
  await world.close();
});

// Zones with day boundaries far from UTC, half-hour offsets and DST, on both sides of UTC.
const ZONES = [
  'UTC',
  'America/New_York',
  'Asia/Tokyo',
  'Pacific/Kiritimati',
  'America/St_Johns',
  'Australia/Adelaide',
  'Pacific/Pago_Pago',
];
const UNITS: PeriodUnit[] = ['day', 'week', 'month', 'quarter'];
/** Responses fall in 2025-10-20 … 2026-04-10 (UTC), so months, quarters and edges are crossed. */
const FIRST = Date.UTC(2025, 9, 20);
const SPAN_HOURS = 172 * 24;
const day = (offset: number) => addDays('2025-10-15', offset);

const response = fc.record({
  hour: fc.integer({ min: 0, max: SPAN_HOURS }),
  score: fc.integer({ min: 0, max: 10 }),
  region: fc.constantFrom('north', 'south', 'east'),
  counted: fc.boolean(),
  flagged: fc.boolean(),
});

const scenario = fc.record({
  timeZone: fc.constantFrom(...ZONES),
  responses: fc.array(response, { minLength: 1, maxLength: 60 }),
  /** Merge after the first batch, after the second, rebuild at the end. */
  mergeFirst: fc.boolean(),
  mergeSecond: fc.boolean(),
  rebuild: fc.boolean(),
  /** Delete some responses after the first merge (leaves zero rows in the rollups). */
  deleteEvery: fc.integer({ min: 0, max: 4 }),
  queries: fc.array(
    fc.record({
      from: fc.integer({ min: 0, max: 185 }),
      length: fc.integer({ min: 0, max: 185 }),
      unit: fc.constantFrom(...UNITS),
      segmentsAfter: fc.integer({ min: 0, max: 120 }),
    }),
    { minLength: 1, maxLength: 6 },
  ),
});

async function insertResponses(
  workspaceId: string,
  surveyId: string,
  list: { hour: number; score: number; region: string; counted: boolean; flagged: boolean }[],
) {
  if (list.length === 0) {
    return [];
  }
  const rows = await world.ctx.db
    .insertInto('responses')
    .values(
      list.map((r) => {
        const at = new Date(FIRST + r.hour * 3_600_000 + 17 * 60_000);
        return {
          workspace_id: workspaceId,
          survey_id: surveyId,
          score: r.score,
          segment: JSON.stringify({ region: r.region }),
          source: 'import' as const,
          status: r.counted ? ('counted' as const) : ('provisional' as const),
          flagged: r.flagged,
          created_at: at,
          updated_at: at,
        };
      }),
    )
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}

/** Every monthly rollup row equals the sum of its month's daily rows, and exists exactly when they do. */
async function monthlyMismatches(surveyId: string): Promise<number> {
  const slots = sql.raw(Array.from({ length: 11 }, (_, i) => `s${i}`).join(', '));
  const sums = sql.raw(Array.from({ length: 11 }, (_, i) => `sum(s${i})::int as s${i}`).join(', '));
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from (
      (select date_trunc('month', day)::date as month, dimension, value, ${sums}
       from response_rollups where survey_id = ${surveyId} group by 1, 2, 3
       except
       select month, dimension, value, ${slots} from response_rollups_monthly where survey_id = ${surveyId})
      union all
      (select month, dimension, value, ${slots} from response_rollups_monthly where survey_id = ${surveyId}
       except
       select date_trunc('month', day)::date, dimension, value, ${sums}
       from response_rollups where survey_id = ${surveyId} group by 1, 2, 3)
    ) x`.execute(world.ctx.db);
  return rows[0]!.n;
}

describe('monthly rollups', () => {
  it('give the same counts as the daily rollups for any range, unit and time zone', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const db = world.ctx.db;
        const { workspace } = await buildWorkspace(db);
        await db
          .updateTable('workspaces')
          .set({ time_zone: s.timeZone })
          .where('id', '=', workspace.id)
          .execute();
        const survey = await buildSurvey(db, workspace.id);
        const half = Math.ceil(s.responses.length / 2);
        const ids = await insertResponses(workspace.id, survey.id, s.responses.slice(0, half));
        if (s.mergeFirst) {
          await mergeRollups(db);
        }
        if (s.deleteEvery > 0) {
          const gone = ids.filter((_, i) => i % (s.deleteEvery + 1) === 0);
          await db.deleteFrom('responses').where('id', 'in', gone).execute();
        }
        await insertResponses(workspace.id, survey.id, s.responses.slice(half));
        if (s.mergeSecond) {
          await mergeRollups(db);
        }
        if (s.rebuild) {
          await rebuildRollups(db, workspace.id, survey.id);
        }
        expect(await monthlyMismatches(survey.id)).toBe(0);

        for (const q of s.queries) {
          const range = {
            workspaceId: workspace.id,
            from: day(q.from),
            to: day(q.from + q.length),
            unit: q.unit,
          };
          const read = (monthly: boolean) =>
            countByPeriod(db, {
              ...range,
              surveyIds: [survey.id],
              dimensions: ['', 'region'],
              monthly,
            });
          expect(await read(true)).toEqual(await read(false));

          // A report's batch read, with segments cut off at a month start or any day.
          const segmentsFrom = day(q.from + q.segmentsAfter);
          for (const cut of [segmentsFrom, `${segmentsFrom.slice(0, 7)}-01`]) {
            const batch = (monthly: boolean) =>
              countByPeriodForSurveys(db, {
                ...range,
                dimensions: [
                  { surveyId: survey.id, dimension: '' },
                  { surveyId: survey.id, dimension: 'region' },
                ],
                segmentsFrom: cut,
                monthly,
              });
            expect(await batch(true)).toEqual(await batch(false));
          }
        }
      }),
      { numRuns: 40 },
    );
  });

  it('are read for whole months only, the edge days coming from the daily rollups', async () => {
    // A sentinel: a monthly row that disagrees with its days shows which path a read took.
    const db = world.ctx.db;
    const { workspace } = await buildWorkspace(db);
    const survey = await buildSurvey(db, workspace.id);
    await insertResponses(workspace.id, survey.id, [
      { hour: 24 * 20, score: 10, region: 'north', counted: true, flagged: false },
      { hour: 24 * 50, score: 0, region: 'north', counted: true, flagged: false },
    ]);
    await mergeRollups(db);
    await db
      .updateTable('response_rollups_monthly')
      .set({ s5: 1000 })
      .where('survey_id', '=', survey.id)
      .where('month', '=', '2025-11-01')
      .where('dimension', '=', '')
      .execute();
    const total = async (from: string, to: string, unit: PeriodUnit) => {
      const rows = await countByPeriod(db, {
        workspaceId: workspace.id,
        surveyIds: [survey.id],
        dimensions: [''],
        from,
        to,
        unit,
      });
      return rows.reduce((n, r) => n + r.counts.reduce((a, b) => a + b, 0), 0);
    };
    expect(await total('2025-11-01', '2025-12-31', 'month')).toBe(1002);
    expect(await total('2025-11-02', '2025-12-31', 'month')).toBe(2);
    expect(await total('2025-11-01', '2025-11-29', 'month')).toBe(1);
    expect(await total('2025-11-01', '2025-12-31', 'week')).toBe(2);
  });
});

describe('wholeMonthsBetween', () => {
  it('finds the months that lie wholly inside a range of days', () => {
    expect(wholeMonthsBetween('2026-01-01', '2026-03-31')).toEqual({
      start: '2026-01-01',
      end: '2026-04-01',
    });
    expect(wholeMonthsBetween('2026-01-02', '2026-03-30')).toEqual({
      start: '2026-02-01',
      end: '2026-03-01',
    });
    expect(wholeMonthsBetween('2026-01-02', '2026-02-27')).toBeNull();
    expect(wholeMonthsBetween('2024-02-01', '2024-02-29')).toEqual({
      start: '2024-02-01',
      end: '2024-03-01',
    });
    expect(wholeMonthsBetween('2026-03-10', '2026-03-01')).toBeNull();
  });
});
