import request from 'supertest';
import type { Clock } from '../../../src/clock';
import { buildMonthlyReport } from '../../../src/reports/monthly-report';
import { shownToWords } from '../../../src/reports/sections/questions';
import { renderReportEmail, renderReportText } from '../../../src/reports/render';
import type {
  MonthlyReportContent,
  QuestionSection,
  WeeklyReportContent,
} from '../../../src/reports/report.types';
import { buildSentInvitation } from '../../support/collector-factories';
import { bearer, buildWorkspace } from '../../support/factories';
import { createTestWorld } from '../../support/test-context';
import type { TestWorld } from '../../support/test-context';

/**
 * Issue 15: the monthly and weekly reports' "Additional questions" section. A survey with
 * questions is made through the API, answered on the real survey page (one question edited
 * half-way), and the reports' figures are checked against ../shared/STATISTICS.md computed here.
 */

function manualClock(start: string): Clock & { set(iso: string): void } {
  let now = new Date(start);
  return { now: () => new Date(now), set: (iso) => (now = new Date(iso)) };
}

const clock = manualClock('2026-03-18T09:00:00Z');
let world: TestWorld;

const HOSTILE_TEXT = 'Anything else? <script>alert("q")</script>';
const HOSTILE_ANSWER = 'Refund <script>alert("a")</script><img src=x onerror=alert(1)>';

const reason = (text: string, speed: string) => ({
  id: 'reason',
  type: 'single_choice',
  text,
  options: [
    { id: 'speed', text: speed },
    { id: 'price', text: 'Price' },
  ],
});
const QUESTIONS = [
  reason('What mattered most?', 'Speed'),
  {
    id: 'fix',
    type: 'multiple_choice',
    text: 'What should we fix?',
    options: [
      { id: 'docs', text: 'Docs' },
      { id: 'ui', text: 'UI' },
      { id: 'api', text: 'API' },
    ],
    maxChoices: 2,
    condition: { maxScore: 6 },
  },
  { id: 'ease', type: 'scale_5', text: 'How easy was it?' },
  { id: 'more', type: 'free_text', text: HOSTILE_TEXT },
];

/** What detractor j (0–15) picks for "What should we fix?": docs 10, UI 8, API 4 of 16. */
const fixOf = (j: number) =>
  j < 6 ? ['docs', 'ui'] : j < 10 ? ['docs'] : j < 12 ? ['ui'] : ['api'];
const EASE = [1, 2, 3, 4, 5, 5, 4, 3, 2, 1];
const FREE = ['Fast', HOSTILE_ANSWER, 'Slow checkout', 'Ok'];

/** ../shared/STATISTICS.md §7.1, written out here, not taken from src/scoring. */
function wilson(x: number, n: number, z = 1.959964) {
  const p = x / n;
  const centre = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
  const half = (z / (1 + (z * z) / n)) * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  return { lower: 100 * Math.max(0, centre - half), upper: 100 * Math.min(1, centre + half) };
}

let adminKey: string;
let surveyId: string;

/**
 * 40 people answer in March 2026, a minute apart: every fifth and the next are detractors
 * (score 3, 16 in all), the others promoters (9). The first 36 choose a reason (every third
 * "speed": 12 of 36); the detractors all say what to fix; the first ten rate the ease; the last
 * four write something. The reason's wording and its first option change after the twentieth.
 */
async function answerSurvey() {
  const { workspace, adminKey: key } = await buildWorkspace(world.ctx.db);
  adminKey = key;
  const created = await request(world.app)
    .post('/api/surveys')
    .set(bearer(adminKey))
    .send({
      kind: 'nps',
      name: 'Checkout <b>survey</b>',
      trigger: { eventType: 'order.paid' },
      questions: QUESTIONS,
    })
    .expect(201);
  surveyId = created.body.id;
  await request(world.app)
    .post(`/api/surveys/${surveyId}/launch`)
    .set(bearer(adminKey))
    .expect(200);
  let detractor = 0;
  for (let i = 0; i < 40; i++) {
    if (i === 20) {
      await request(world.app)
        .patch(`/api/surveys/${surveyId}`)
        .set(bearer(adminKey))
        .send({
          questions: [reason('What mattered most to you?', 'Fast replies'), ...QUESTIONS.slice(1)],
        })
        .expect(200);
    }
    clock.set(new Date(Date.UTC(2026, 2, 18, 9, i)).toISOString());
    const score = i % 5 < 2 ? 3 : 9;
    const { token } = await buildSentInvitation(world.ctx.db, {
      workspaceId: workspace.id,
      surveyId,
    });
    const fields: [string, string][] = [
      ['score', String(score)],
      ['answers', '1'],
    ];
    if (i < 36) {
      fields.push(['a.reason', i % 3 === 0 ? 'speed' : 'price']);
    }
    if (score === 3) {
      fields.push(...fixOf(detractor++).map((id): [string, string] => ['a.fix', id]));
    }
    if (i < EASE.length) {
      fields.push(['a.ease', String(EASE[i])]);
    }
    if (i >= 36) {
      fields.push(['a.more', FREE[i - 36]!]);
    }
    await request(world.app)
      .post(`/s/${token}`)
      .type('form')
      .send(new URLSearchParams(fields).toString())
      .expect(200);
  }
}

async function report<T>(kind: 'monthly' | 'weekly', periodStart: string) {
  clock.set('2026-04-02T12:00:00Z');
  const made = await request(world.app)
    .post('/api/reports')
    .set(bearer(adminKey))
    .send({ kind, periodStart })
    .expect(201);
  const read = await request(world.app)
    .get(`/api/reports/${made.body.id}`)
    .set(bearer(adminKey))
    .expect(200);
  const url = new URL(made.body.webUrl as string);
  const page = await request(world.app)
    .get(url.pathname + url.search)
    .expect(200);
  return { content: read.body.content as T, page: page.text };
}

beforeAll(async () => {
  world = await createTestWorld({ clock, env: { RATE_LIMIT_SURVEY_PER_MINUTE: '1000' } });
  await answerSurvey();
}, 60_000);
afterAll(() => world.close());

function expectShare(
  q: QuestionSection | undefined,
  id: string,
  count: number,
  n: number,
  text?: string,
) {
  const o = q?.options.find((x) => x.id === id);
  const w = wilson(count, n);
  expect(o).toMatchObject({ count, ...(text ? { text } : {}) });
  expect(o!.percent).toBeCloseTo((100 * count) / n, 8);
  expect(o!.lower).toBeCloseTo(w.lower, 4);
  expect(o!.upper).toBeCloseTo(w.upper, 4);
}

function checkFigures(questions: QuestionSection[]) {
  const byId = new Map(questions.map((q) => [q.questionId, q]));
  expect(questions.map((q) => q.questionId)).toEqual(['reason', 'fix', 'ease', 'more']);

  // Both wordings counted under the current one, options by id, with a note.
  const why = byId.get('reason');
  expect(why).toMatchObject({ text: 'What mattered most to you?', version: 2, n: 36 });
  expect(why!.versionsNote).toContain('20 of the 36 answers were given to an earlier version');
  expect(why!.versionsNote).toContain('v1 “What mattered most?”');
  expectShare(why, 'speed', 12, 36, 'Fast replies');
  expectShare(why, 'price', 24, 36);

  // Multiple choice: shares of the 16 who answered, adding up to more than 100 %.
  const fix = byId.get('fix');
  expect(fix).toMatchObject({ n: 16, shownTo: 'Shown only to scores 0–6 (detractors)' });
  expect(fix!.shareOf).toContain('the 16 people who answered this question');
  expect(fix!.shareOf).toContain('more than 100 %');
  expectShare(fix, 'docs', 10, 16);
  expectShare(fix, 'ui', 8, 16);
  expectShare(fix, 'api', 4, 16);

  // STATISTICS.md §7.2: mean ± t(0.975, 9)·s/√n with t = 2.2621571628 (SciPy), s = √(20/9).
  const ease = byId.get('ease');
  const half = (2.2621571628 * Math.sqrt(20 / 9)) / Math.sqrt(10);
  expect(ease!.n).toBe(10);
  expect(ease!.shownTo).toBeNull();
  expect(ease!.mean!.value).toBeCloseTo(3, 10);
  expect(ease!.mean!.lower).toBeCloseTo(3 - half, 6);
  expect(ease!.mean!.upper).toBeCloseTo(3 + half, 6);
  expect(ease!.options.map((o) => o.count)).toEqual([2, 2, 2, 2, 2]);
  expectShare(ease, '5', 2, 10);

  // Free text: the count and the newest three as quotes.
  const more = byId.get('more');
  expect(more).toMatchObject({ n: 4, text: HOSTILE_TEXT, options: [] });
  expect(more!.quotes.map((q) => q.text)).toEqual(['Ok', 'Slow checkout', HOSTILE_ANSWER]);
}

function expectEscaped(html: string) {
  expect(html).toContain('Additional questions');
  expect(html).toContain('Anything else? &lt;script&gt;alert(&quot;q&quot;)&lt;/script&gt;');
  expect(html).toContain('Refund &lt;script&gt;alert(&quot;a&quot;)&lt;/script&gt;&lt;img');
  expect(html).not.toContain('<script');
  expect(html).not.toContain('<img');
}

describe('the monthly report: additional questions', () => {
  it('shows each question with its shares, intervals and means as STATISTICS.md has them, escaped', async () => {
    const { content, page } = await report<MonthlyReportContent>('monthly', '2026-03-01');
    const section = content.surveys.find((s) => s.surveyId === surveyId)!;
    expect(section.cell.n).toBe(40);
    checkFigures(section.questions!);

    expectEscaped(page);
    expect(page).toContain('Shown only to scores 0–6 (detractors).');
    const links = { base: 'http://glas.test', pageUrl: 'http://glas.test/reports/x' };
    expectEscaped(renderReportEmail(content, links));
    const text = renderReportText(content, links);
    expect(text).toContain(`Q: ${HOSTILE_TEXT} (n = 4, too few answers)`);
    expect(text).toContain(`"${HOSTILE_ANSWER}"`); // text/plain is not markup
    expect(text).toContain('- Docs: 10, 62.5 %');
    expect(text).toMatch(/Mean 3\.00 \(1\.93 to 4\.07\) on 1–5/);
  });

  it('answers GET /api/surveys/:id/answers with the same figures', async () => {
    const res = await request(world.app)
      .get(`/api/surveys/${surveyId}/answers`)
      .set(bearer(adminKey))
      .expect(200);
    const [why, fix] = res.body.questions;
    expect(why).toMatchObject({ id: 'reason', version: 2, n: 36 });
    expect(why.options.map((o: { id: string }) => o.id)).toEqual(['speed', 'price']);
    expect(fix.options.map((o: { count: number }) => o.count)).toEqual([10, 8, 4]);
    expect(fix.options[0].interval.lower).toBeCloseTo(wilson(10, 16).lower, 4);
  });
});

describe('the weekly report: additional questions', () => {
  it('gives the same figures over its ranking weeks, on the page and in the email, escaped', async () => {
    const { content, page } = await report<WeeklyReportContent>('weekly', '2026-03-16');
    expect(content.rankingWindow).toEqual({ start: '2026-02-23', end: '2026-03-22' });
    const mine = content.questions!.find((s) => s.surveyId === surveyId)!;
    expect(mine.surveyName).toBe('Checkout <b>survey</b>');
    checkFigures(mine.questions);

    expectEscaped(page);
    expect(page).toContain('Checkout &lt;b&gt;survey&lt;/b&gt;');
    const links = { base: '', pageUrl: 'http://glas.test/reports/x' };
    expectEscaped(renderReportEmail(content, links));
    expect(renderReportText(content, links)).toContain(
      'Additional questions, Checkout <b>survey</b> (2026-02-23 to 2026-03-22):',
    );
  });

  it('counts no answers of a week outside its ranking weeks', async () => {
    const { content } = await report<WeeklyReportContent>('weekly', '2026-01-05');
    const mine = content.questions!.find((s) => s.surveyId === surveyId)!;
    expect(mine.questions.map((q) => q.n)).toEqual([0, 0, 0, 0]);
  });
});

describe('questions edited after they were answered', () => {
  it('shows a question whose type changed, or that was removed, apart as no longer asked', async () => {
    const survey = await world.ctx.db
      .selectFrom('surveys')
      .select('workspace_id')
      .where('id', '=', surveyId)
      .executeTakeFirstOrThrow();
    // "fix" becomes free text, "ease" goes and "price" is no longer offered: their March
    // answers stay theirs.
    await request(world.app)
      .patch(`/api/surveys/${surveyId}`)
      .set(bearer(adminKey))
      .send({
        questions: [
          {
            ...reason('What mattered most to you?', 'Fast replies'),
            options: [
              { id: 'speed', text: 'Fast replies' },
              { id: 'other', text: 'Other' },
            ],
          },
          { id: 'fix', type: 'free_text', text: 'What should we fix first?' },
          QUESTIONS[3],
        ],
      })
      .expect(200);
    const workspace = await world.ctx.db
      .selectFrom('workspaces')
      .selectAll()
      .where('id', '=', survey.workspace_id)
      .executeTakeFirstOrThrow();
    const content = await buildMonthlyReport(world.ctx.db, clock, workspace, '2026-03-01');
    const questions = content.surveys.find((s) => s.surveyId === surveyId)!.questions!;
    expect(questions.map((q) => [q.questionId, q.type, q.asked, q.n])).toEqual([
      ['reason', 'single_choice', true, 36],
      ['fix', 'free_text', true, 0],
      ['more', 'free_text', true, 4],
      ['fix', 'multiple_choice', false, 16],
      ['ease', 'scale_5', false, 10],
    ]);
    expect(questions[0]!.options.map((o) => [o.id, o.count, o.offered])).toEqual([
      ['speed', 12, true],
      ['other', 0, true],
      ['price', 24, false],
    ]);
    expect(questions[0]!.versionsNote).toContain(
      '36 of the 36 answers were given to an earlier version (v2 (same wording), v1 “What mattered most?”)',
    );
    const removed = questions.at(-1)!;
    expect(removed).toMatchObject({ text: 'How easy was it?', shownTo: null });
    expect(removed.mean!.value).toBeCloseTo(3, 10);
    const links = { base: '', pageUrl: 'http://glas.test/reports/x' };
    const text = renderReportText(content, links);
    expect(text).toContain('Q: How easy was it? (no longer asked) (n = 10, too few answers)');
    expect(text).toContain('- Price (no longer offered): 24, 66.7 %');
  });

  it('says whom a condition showed a question to on each kind’s scale', () => {
    expect(shownToWords('nps', { minScore: 9 })).toBe('Shown only to scores 9–10 (promoters)');
    expect(shownToWords('nps', { minScore: 7, maxScore: 8 })).toBe(
      'Shown only to scores 7–8 (passives)',
    );
    expect(shownToWords('csat', { maxScore: 2 })).toBe('Shown only to scores 1–2 (low scores)');
    expect(shownToWords('csat', { minScore: 5 })).toBe('Shown only to a score of 5');
    expect(shownToWords('csat', { maxScore: 8 })).toBeNull();
    expect(shownToWords('thumbs', { minScore: 3 })).toBe(
      'Shown to nobody: its condition lies outside the score scale',
    );
    expect(shownToWords('nps', null)).toBeNull();
  });
});
