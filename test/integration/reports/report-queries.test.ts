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
// their own before/after reads; these workspaces have none). The additional questions' answers
// of every survey are one aggregated statement (issue 15), hence one more than before.
const WEEKLY_BUDGET = 12;
const MONTHLY_BUDGET = 9;

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

/** Every kind of additional question, the detractor-only one conditional. */
const QUESTIONS = [
  {
    id: 'reason',
    version: 1,
    type: 'single_choice' as const,
    text: 'What mattered most?',
    options: [
      { id: 'speed', text: 'Speed' },
      { id: 'price', text: 'Price' },
    ],
    condition: null,
  },
  {
    id: 'fix',
    version: 1,
    type: 'multiple_choice' as const,
    text: 'What should we fix?',
    options: [
      { id: 'docs', text: 'Docs' },
      { id: 'ui', text: 'UI' },
    ],
    maxChoices: 2,
    condition: { maxScore: 6 },
  },
  { id: 'ease', version: 1, type: 'scale_5' as const, text: 'How easy?', condition: null },
  { id: 'likely', version: 1, type: 'scale_10' as const, text: 'Back?', condition: null },
  { id: 'more', version: 1, type: 'free_text' as const, text: 'Anything else?', condition: null },
];

/** The answers a response gives to QUESTIONS, as the form stores them (snapshot and value). */
function answerRows(response: { id: string; workspace_id: string; created_at: Date }, k: number) {
  const values: unknown[] = [
    k % 3 === 0 ? 'speed' : 'price',
    k % 2 === 0 ? ['docs', 'ui'] : ['ui'],
    1 + (k % 5),
    k % 11,
    `Answer ${k}`,
  ];
  return QUESTIONS.map((q, position) => ({
    workspace_id: response.workspace_id,
    response_id: response.id,
    question_id: q.id,
    position: position + 1,
    question_version: q.version,
    question: JSON.stringify({ type: q.type, text: q.text, options: q.options }),
    value: JSON.stringify(values[position]),
    created_at: response.created_at,
  }));
}

/**
 * A workspace whose surveys each have answers every day of March 2026 in every combination
 * of its segment properties' values, low scores with comments among them.
 */
async function seedWorkspace(shape: {
  kinds: ('nps' | 'csat' | 'ces')[];
  properties: number;
  values: number;
  /** Surveys (by index) that carry additional questions, answered by every response. */
  withQuestions: number[];
}): Promise<Workspace> {
  const db = world.ctx.db;
  const { workspace } = await buildWorkspace(db);
  const low = { nps: 3, csat: 1, ces: 2 };
  const high = { nps: 9, csat: 5, ces: 6 };
  for (const [index, kind] of shape.kinds.entries()) {
    const survey = await buildSurvey(db, workspace.id, { kind });
    const questions = shape.withQuestions.includes(index);
    if (questions) {
      await db
        .updateTable('surveys')
        .set({ questions: JSON.stringify(QUESTIONS) })
        .where('id', '=', survey.id)
        .execute();
    }
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
          if (questions) {
            await db
              .insertInto('response_answers')
              .values(answerRows(row, day + v + i))
              .execute();
          }
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
  small = await seedWorkspace({ kinds: ['nps'], properties: 1, values: 2, withQuestions: [0] });
  large = await seedWorkspace({
    kinds: ['nps', 'csat', 'ces', 'nps'],
    properties: 4,
    values: 3,
    withQuestions: [0, 1, 3],
  });
}, 120_000);
afterAll(() => world.close());

describe('building a report', () => {
  it('runs the same few statements for one survey with one segment as for four with four, with questions on most', async () => {
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
    // The three surveys with questions have every question answered by every response.
    const withQuestions = report.surveys.filter((s) => (s.questions ?? []).length > 0);
    expect(withQuestions).toHaveLength(3);
    for (const section of withQuestions) {
      expect(section.questions!.map((q) => [q.questionId, q.n])).toEqual(
        QUESTIONS.map((q) => [q.id, 16 * 3 * 3]),
      );
      expect(section.questions!.find((q) => q.questionId === 'more')!.quotes).toHaveLength(3);
    }
    const weekly = await buildWeeklyReport(world.ctx.db, clock, large, '2026-03-23');
    const segmentItems = weekly.items.filter((i) => i.type === 'segment');
    expect(segmentItems.length).toBeGreaterThan(0);
    expect(segmentItems.every((i) => i.quotes.length > 0)).toBe(true);
  });
});
