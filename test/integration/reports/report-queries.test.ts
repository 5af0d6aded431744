import { Kysely, PostgresDialect } from 'kysely';
import type { Database } from '../../../db/schema';
import type { Workspace } from '../../../db/schema';
import type { Clock } from '../../../src/clock';
import { buildMonthlyReport } from '../../../src/reports/monthly-report';
import { buildWeeklyReport } from '../../../src/reports/weekly-report';
import { buildResponse, buildSurvey, buildWorkspace } from '../../support/factories';
import { createTestWorld } from '../../support/test-context';
import type { TestWorld } from '../../support/test-context';

// Statements one report may run, whatever its number of surveys and segments (actions add
// their own before/after reads; these workspaces have none).
const WEEKLY_BUDGET = 11;
const MONTHLY_BUDGET = 8;

const clock: Clock = { now: () => new Date('2026-04-02T12:00:00Z') };
let world: TestWorld;

/** A Kysely on the world's pool that counts every statement it sends. */
function countingDb(): { db: Kysely<Database>; count: () => number } {
  let statements = 0;
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: world.ctx.pool }),
    log: () => {
      statements++;
    },
  });
  return { db, count: () => statements };
}

const COMMENTS = ['Delivery was late again', 'Support never called back', 'Great staff'];

/**
 * A workspace whose surveys each have answers every day of March 2026 in every combination
 * of its segment properties' values, low scores with comments among them.
 */
async function seedWorkspace(shape: {
  kinds: ('nps' | 'csat' | 'ces')[];
  properties: number;
  values: number;
}): Promise<Workspace> {
  const db = world.ctx.db;
  const { workspace } = await buildWorkspace(db);
  const low = { nps: 3, csat: 1, ces: 2 };
  const high = { nps: 9, csat: 5, ces: 6 };
  for (const kind of shape.kinds) {
    const survey = await buildSurvey(db, workspace.id, { kind });
    for (let day = 1; day <= 31; day += 2) {
      for (let v = 0; v < shape.values; v++) {
        const segment = Object.fromEntries(
          Array.from({ length: shape.properties }, (_, p) => [
            `prop${p}`,
            `value${(v + p) % shape.values}`,
          ]),
        );
        for (let i = 0; i < 3; i++) {
          const score = i === 0 && v === 0 ? low[kind] : high[kind];
          const row = await buildResponse(db, {
            workspaceId: workspace.id,
            surveyId: survey.id,
            score,
            segment,
            createdAt: new Date(Date.UTC(2026, 2, day, 9 + i)),
          });
          if (i === 0) {
            await db
              .updateTable('responses')
              .set({ comment: COMMENTS[(day + v) % COMMENTS.length]! })
              .where('id', '=', row.id)
              .execute();
          }
        }
      }
    }
  }
  return db
    .selectFrom('workspaces')
    .selectAll()
    .where('id', '=', workspace.id)
    .executeTakeFirstOrThrow();
}

async function statementsOf(build: (db: Kysely<Database>) => Promise<unknown>): Promise<number> {
  const { db, count } = countingDb();
  await build(db);
  return count();
}

let small: Workspace;
let large: Workspace;

beforeAll(async () => {
  world = await createTestWorld({ clock });
  small = await seedWorkspace({ kinds: ['nps'], properties: 1, values: 2 });
  large = await seedWorkspace({ kinds: ['nps', 'csat', 'ces', 'nps'], properties: 4, values: 3 });
}, 120_000);
afterAll(() => world.close());

describe('building a report', () => {
  it('runs the same few statements for one survey with one segment as for four with four', async () => {
    const weekly = (ws: Workspace) => (db: Kysely<Database>) =>
      buildWeeklyReport(db, clock, ws, '2026-03-23');
    const monthly = (ws: Workspace) => (db: Kysely<Database>) =>
      buildMonthlyReport(db, clock, ws, '2026-03-01');

    const counts = {
      weeklySmall: await statementsOf(weekly(small)),
      weeklyLarge: await statementsOf(weekly(large)),
      monthlySmall: await statementsOf(monthly(small)),
      monthlyLarge: await statementsOf(monthly(large)),
    };

    expect(counts.weeklyLarge).toBe(counts.weeklySmall);
    expect(counts.monthlyLarge).toBe(counts.monthlySmall);
    expect(counts.weeklyLarge).toBeLessThanOrEqual(WEEKLY_BUDGET);
    expect(counts.monthlyLarge).toBeLessThanOrEqual(MONTHLY_BUDGET);
  });

  it('still covers every survey and segment of the larger workspace', async () => {
    const report = await buildMonthlyReport(world.ctx.db, clock, large, '2026-03-01');
    expect(report.surveys).toHaveLength(4);
    for (const section of report.surveys) {
      expect(new Set(section.segments.map((s) => s.property)).size).toBe(4);
      expect(section.cell.n).toBe(16 * 3 * 3);
    }
    const weekly = await buildWeeklyReport(world.ctx.db, clock, large, '2026-03-23');
    const segmentItems = weekly.items.filter((i) => i.type === 'segment');
    expect(segmentItems.length).toBeGreaterThan(0);
    expect(segmentItems.every((i) => i.quotes.length > 0)).toBe(true);
  });
});
