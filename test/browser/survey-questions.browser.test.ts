import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { createServer } from 'node:net';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { launchChromium } from '../support/browser';
import { buildSentInvitation } from '../support/collector-factories';
import { buildUser, TEST_PASSWORD } from '../support/dashboard-factories';
import { bearer, buildWorkspace } from '../support/factories';
import { createTestWorld } from '../support/test-context';
import type { TestWorld } from '../support/test-context';

/**
 * Issue 15's additional questions on the real survey page at phone width: every type, one shown
 * only to detractors, answered in one form without JavaScript, kept when the person comes back
 * and changes an answer, and in the contact's language; and the dashboard's editor for them.
 */

const ARTIFACTS = path.join(__dirname, '..', 'artifacts');

let world: TestWorld;
let server: Server;
let base: string;
let browser: Browser;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

// NOTE: the dashboard checks Origin against PUBLIC_URL, so the server listens on it.
beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  world = await createTestWorld({ env: { PUBLIC_URL: base } });
  server = await new Promise<Server>((resolve) => {
    const s = world.app.listen(port, '127.0.0.1', () => resolve(s));
  });
  browser = await launchChromium();
  mkdirSync(ARTIFACTS, { recursive: true });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await world.close();
});

const QUESTIONS = [
  {
    id: 'reason',
    type: 'single_choice',
    text: 'What mattered most?',
    options: [
      { id: 'speed', text: 'Speed' },
      { id: 'price', text: 'Price' },
      { id: 'people', text: 'Friendly people' },
    ],
    translations: {
      hr: {
        text: 'Što vam je bilo najvažnije?',
        options: { speed: 'Brzina', price: 'Cijena', people: 'Ljubazni ljudi' },
      },
    },
  },
  {
    id: 'fix',
    type: 'multiple_choice',
    text: 'What should we fix first?',
    options: [
      { id: 'docs', text: 'Docs' },
      { id: 'ui', text: 'The app' },
      { id: 'api', text: 'The API' },
    ],
    maxChoices: 2,
    condition: { maxScore: 6 },
    translations: {
      hr: { text: 'Što da prvo popravimo?', options: { docs: 'Upute', ui: 'Aplikaciju' } },
    },
  },
  {
    id: 'ease',
    type: 'scale_5',
    text: 'How easy was it?',
    translations: { hr: { text: 'Koliko je bilo lako?' } },
  },
  {
    id: 'again',
    type: 'scale_10',
    text: 'Would you come back?',
    translations: { hr: { text: 'Biste li se vratili?' } },
  },
  {
    id: 'more',
    type: 'free_text',
    text: 'Anything else?',
    translations: { hr: { text: 'Još nešto?' } },
  },
];

async function setup(locale: string) {
  const { workspace, adminKey } = await buildWorkspace(world.ctx.db, 'Pekara Glas');
  const created = await request(world.app)
    .post('/api/surveys')
    .set(bearer(adminKey))
    .send({
      kind: 'nps',
      name: 'NPS with questions',
      trigger: { eventType: 'order.delivered' },
      questions: QUESTIONS,
    })
    .expect(201);
  const sent = await buildSentInvitation(world.ctx.db, {
    workspaceId: workspace.id,
    surveyId: (created.body as { id: string }).id,
    locale,
  });
  return { ...sent, adminKey, surveyId: (created.body as { id: string }).id };
}

async function answersOf(invitationId: string) {
  const rows = await world.ctx.db
    .selectFrom('response_answers as a')
    .innerJoin('responses as r', 'r.id', 'a.response_id')
    .select(['a.question_id', 'a.value', 'a.question'])
    .where('r.invitation_id', '=', invitationId)
    .orderBy('a.position')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.question_id, r]));
}

const legends = (page: Page) =>
  page.locator('fieldset.question legend, label.comment-label').allTextContents();

/** Nothing sticks out sideways at phone width (the 0–10 rows wrap). */
async function expectNoSidewaysScroll(page: Page) {
  expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
}

describe('additional questions on the survey page in a real browser', () => {
  it('answers every type at phone width, keeps the answers on return and takes a change', async () => {
    const { token, invitation } = await setup('en');
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();

    // A detractor's click: the question for detractors shows too.
    await page.goto(`${base}/s/${token}/3`);
    expect(await legends(page)).toEqual([
      'What is the main reason for your score?',
      'What mattered most?',
      'What should we fix first?',
      'How easy was it?',
      'Would you come back?',
      'Anything else?',
    ]);
    await page.getByRole('radio', { name: 'Price' }).check();
    await page.getByRole('checkbox', { name: 'Docs' }).check();
    await page.getByRole('checkbox', { name: 'The API' }).check();
    await page.check('input[name="a.ease"][value="4"]');
    await page.check('input[name="a.again"][value="7"]');
    await page.getByRole('textbox', { name: 'Anything else?' }).fill('Bread <i>was</i> cold');
    await page.getByRole('button').click();
    await page.waitForLoadState('load');
    expect(await page.locator('[role="status"]').count()).toBe(1);
    await expectNoSidewaysScroll(page);
    await page.screenshot({ path: path.join(ARTIFACTS, 'questions-en.png'), fullPage: true });

    let stored = await answersOf(invitation.id);
    expect(Object.fromEntries(Object.entries(stored).map(([k, v]) => [k, v.value]))).toEqual({
      reason: 'price',
      fix: ['docs', 'api'],
      ease: 4,
      again: 7,
      more: 'Bread <i>was</i> cold',
    });

    // Coming back from the email's first link shows what was given.
    await page.goto(`${base}/s/${token}`);
    expect(await page.isChecked('input[name="score"][value="3"]')).toBe(true);
    expect(await page.getByRole('radio', { name: 'Price' }).isChecked()).toBe(true);
    expect(await page.getByRole('checkbox', { name: 'Docs' }).isChecked()).toBe(true);
    expect(await page.getByRole('checkbox', { name: 'The API' }).isChecked()).toBe(true);
    expect(await page.isChecked('input[name="a.ease"][value="4"]')).toBe(true);
    expect(await page.isChecked('input[name="a.again"][value="7"]')).toBe(true);
    expect(await page.getByRole('textbox', { name: 'Anything else?' }).inputValue()).toBe(
      'Bread <i>was</i> cold',
    );

    // A change: another reason, one choice less, another point on the scale.
    await page.getByRole('radio', { name: 'Friendly people' }).check();
    await page.getByRole('checkbox', { name: 'Docs' }).uncheck();
    await page.check('input[name="a.ease"][value="2"]');
    await page.getByRole('button').click();
    await page.waitForLoadState('load');
    stored = await answersOf(invitation.id);
    expect(Object.fromEntries(Object.entries(stored).map(([k, v]) => [k, v.value]))).toEqual({
      reason: 'people',
      fix: ['api'],
      ease: 2,
      again: 7,
      more: 'Bread <i>was</i> cold',
    });
    expect(await page.getByRole('radio', { name: 'Friendly people' }).isChecked()).toBe(true);
    expect(await page.locator('script').count()).toBe(0);
    await context.close();
  });

  it('shows the questions in Croatian and keeps the Croatian text with the answers', async () => {
    const { token, invitation } = await setup('hr');
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto(`${base}/s/${token}/2`);
    expect(await page.getAttribute('html', 'lang')).toBe('hr');
    expect((await legends(page)).slice(1)).toEqual([
      'Što vam je bilo najvažnije?',
      'Što da prvo popravimo?',
      'Koliko je bilo lako?',
      'Biste li se vratili?',
      'Još nešto?',
    ]);
    // An option without a Croatian text shows its own.
    expect(await page.getByRole('checkbox', { name: 'The API' }).count()).toBe(1);
    await page.getByRole('radio', { name: 'Brzina' }).check();
    await page.getByRole('checkbox', { name: 'Upute' }).check();
    await page.getByRole('checkbox', { name: 'Aplikaciju' }).check();
    await page.getByRole('checkbox', { name: 'The API' }).check();
    await page.getByRole('button').click();
    await page.waitForLoadState('load');
    // Three choices of two: the page says so in Croatian and keeps what was picked.
    expect(await page.locator('[role="alert"]').textContent()).toContain('Što da prvo popravimo?');
    expect(await page.getByRole('radio', { name: 'Brzina' }).isChecked()).toBe(true);
    await page.getByRole('checkbox', { name: 'The API' }).uncheck();
    await page.getByRole('button').click();
    await page.waitForLoadState('load');
    await expectNoSidewaysScroll(page);
    await page.screenshot({ path: path.join(ARTIFACTS, 'questions-hr.png'), fullPage: true });
    await context.close();

    const stored = await answersOf(invitation.id);
    expect(stored.reason!.question).toMatchObject({
      text: 'Što vam je bilo najvažnije?',
      options: [
        { id: 'speed', text: 'Brzina' },
        { id: 'price', text: 'Cijena' },
        { id: 'people', text: 'Ljubazni ljudi' },
      ],
    });
    expect(stored.fix).toMatchObject({
      value: ['docs', 'ui'],
      question: { text: 'Što da prvo popravimo?' },
    });
  });
});

describe('the dashboard editor for additional questions in a real browser', () => {
  it('edits, adds, reorders and removes questions; a past answer keeps its text', async () => {
    const { token, adminKey, surveyId, invitation } = await setup('en');
    const { workspace_id: workspaceId } = await world.ctx.db
      .selectFrom('invitations')
      .select('workspace_id')
      .where('id', '=', invitation.id)
      .executeTakeFirstOrThrow();
    await request(world.app)
      .post(`/s/${token}`)
      .type('form')
      .send('score=3&answers=1&a.reason=speed')
      .expect(200);
    const manager = await buildUser(world.ctx.db, workspaceId, 'manager');
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${base}/dashboard/sign-in`);
    await page.getByLabel('Email').fill(manager.email);
    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${base}/dashboard`);

    await page.goto(`${base}/dashboard/surveys/${surveyId}/edit`);
    // Five questions and three blank rows; the sixth row is blank.
    expect(await page.inputValue('[name="questions.0.text"]')).toBe('What mattered most?');
    expect(await page.inputValue('[name="questions.1.options"]')).toBe('Docs\nThe app\nThe API');
    expect(await page.inputValue('[name="questions.5.text"]')).toBe('');
    expect(await page.locator('[name="questions.8.text"]').count()).toBe(0);

    await page.fill('[name="questions.0.text"]', 'What mattered most to you?');
    await page.fill(
      '[name="questions.0.options"]',
      'Speed\nPrice\nFriendly people\nSomething else',
    );
    await page.check('[name="questions.4.remove"]');
    await page.selectOption('[name="questions.5.type"]', 'multiple_choice');
    await page.fill('[name="questions.5.text"]', 'Which did you use?');
    await page.fill('[name="questions.5.options"]', 'Web\nPhone\nShop');
    await page.fill('[name="questions.5.maxChoices"]', '2');
    await page.fill('[name="questions.5.order"]', '0');
    await page.locator('details:has([name="questions.5.t.hr.text"]) summary').click();
    await page.fill('[name="questions.5.t.hr.text"]', 'Što ste koristili?');
    await page.fill('[name="questions.5.t.hr.options"]', 'Web\nTelefon\nTrgovina');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.waitForURL(/done=survey_saved/);

    const got = await request(world.app)
      .get(`/api/surveys/${surveyId}`)
      .set(bearer(adminKey))
      .expect(200);
    const qs = got.body.questions as { id: string; version: number; text: string }[];
    expect(qs.map((q) => [q.id, q.version])).toEqual([
      [expect.stringMatching(/^q_/), 1],
      ['reason', 2],
      ['fix', 1],
      ['ease', 1],
      ['again', 1],
    ]);
    expect(got.body.questions[0]).toMatchObject({
      text: 'Which did you use?',
      maxChoices: 2,
      translations: { hr: { text: 'Što ste koristili?', options: { '2': 'Telefon' } } },
    });
    await page.goto(`${base}/dashboard/surveys/${surveyId}/edit`);
    await page.screenshot({
      path: path.join(ARTIFACTS, 'dashboard-questions-editor.png'),
      fullPage: true,
    });

    const list = await request(world.app).get('/api/responses').set(bearer(adminKey)).expect(200);
    await page.goto(`${base}/dashboard/responses/${list.body.data[0].id as string}`);
    expect(await page.locator('dl').textContent()).toContain('What mattered most?');
    expect(await page.locator('dl').textContent()).not.toContain('to you?');
    await context.close();
  });
});
