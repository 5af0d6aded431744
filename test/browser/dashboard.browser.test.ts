import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Server } from 'node:http';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { createAction } from '../../src/reports/action.service';
import { requestReport } from '../../src/reports/report.service';
import { rebuildSurveyRollups } from '../../src/analytics/rollup.service';
import { buildResponse, buildWorkspace } from '../support/factories';
import { buildUser, TEST_PASSWORD } from '../support/dashboard-factories';
import { anchoredClock, createTestWorld } from '../support/test-context';
import type { TestWorld } from '../support/test-context';

const ARTIFACTS = path.join(__dirname, '../artifacts/dashboard');
const CROATIAN_QUESTION = 'Koliko ste zadovoljni našom podrškom danas?';

let world: TestWorld;
let server: Server;
let browser: Browser;
let base: string;

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

/** Answers with a `plan` segment and comments, so the segments and themes pages have content. */
async function seedInsights(workspaceId: string, surveyId: string) {
  const now = world.ctx.clock.now();
  for (let i = 0; i < 70; i++) {
    const pro = i % 2 === 0;
    const row = await buildResponse(world.ctx.db, {
      workspaceId,
      surveyId,
      score: pro ? 9 + (i % 4 === 0 ? 1 : 0) : i % 7,
      segment: { plan: pro ? 'pro' : 'free' },
      createdAt: new Date(now.getTime() - (i + 1) * 60_000),
    });
    await world.ctx.db
      .updateTable('responses')
      .set({ comment: pro ? 'Great support team, fast answers' : 'Delivery was late again' })
      .where('id', '=', row.id)
      .execute();
  }
  await rebuildSurveyRollups(world.ctx.db, workspaceId, surveyId);
}

async function shot(page: Page, name: string) {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

async function signIn(page: Page, email: string) {
  await page.goto(`${base}/dashboard`);
  expect(page.url()).toContain('/dashboard/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${base}/dashboard`);
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  world = await createTestWorld({ env: { PUBLIC_URL: base }, clock: anchoredClock() });
  world.startWorkers({ relay: true });
  server = await new Promise<Server>((resolve) => {
    const s = world.app.listen(port, '127.0.0.1', () => resolve(s));
  });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
  await world?.close();
});

describe('dashboard in a real browser', () => {
  it('a manager creates and launches a Croatian CSAT survey; the emailed answer shows up in the dashboard', async () => {
    const { workspace } = await buildWorkspace(world.ctx.db);
    const manager = await buildUser(world.ctx.db, workspace.id, 'manager');
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    // CSP refusals or blocked sub-resources would mean a page (or preview) renders broken.
    const cspErrors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy|Refused|BLOCKED/i.test(m.text())) {
        cspErrors.push(m.text());
      }
    });

    await page.goto(`${base}/dashboard/sign-in`);
    await shot(page, '01-sign-in');
    await signIn(page, manager.email);
    await shot(page, '02-overview-empty');

    await page.getByRole('link', { name: 'Surveys', exact: true }).click();
    await page.getByRole('link', { name: 'New survey' }).click();
    // A first try without a name shows the error next to the field.
    await page.getByLabel('Event type').fill('ticket.closed');
    await page.getByRole('button', { name: 'Create survey' }).click();
    expect(((await page.locator('#name-note').textContent()) ?? '').trim()).toMatch(/./);
    await shot(page, '03-survey-form-errors');

    await page.getByLabel(/^Name/).fill('Podrška CSAT');
    await page.getByLabel('Kind').selectOption('csat');
    await page.locator('summary', { hasText: 'Croatian' }).click();
    await page.getByLabel('Question (hr)').fill(CROATIAN_QUESTION);
    await page.getByLabel('Language', { exact: true }).selectOption('hr');
    await page.getByRole('button', { name: 'Preview survey page' }).click();
    const pageFrame = page.frameLocator('iframe[name="preview-page"]');
    await pageFrame.locator('h1', { hasText: CROATIAN_QUESTION }).waitFor();
    await page.getByRole('button', { name: 'Preview email' }).click();
    await page.frameLocator('iframe[name="preview-email"]').getByText(CROATIAN_QUESTION).waitFor();
    // Live preview: typing refreshes both frames, no button pressed.
    await page.getByLabel('Question (hr)').fill(`${CROATIAN_QUESTION} (uživo)`);
    await pageFrame.locator('h1', { hasText: '(uživo)' }).waitFor();
    await page.frameLocator('iframe[name="preview-email"]').getByText('(uživo)').waitFor();
    await page.getByLabel('Question (hr)').fill(CROATIAN_QUESTION);
    await pageFrame.locator('h1', { hasText: CROATIAN_QUESTION }).waitFor();
    await page.frameLocator('iframe[name="preview-email"]').getByText(CROATIAN_QUESTION).waitFor();
    await shot(page, '04-survey-form-preview');
    await page.getByRole('button', { name: 'Create survey' }).click();
    await page.getByText('Survey created as a draft.').waitFor();
    await shot(page, '05-survey-draft');

    await page.getByRole('button', { name: 'Launch' }).click();
    await page.getByText('Survey launched').waitFor();
    const surveyUrl = page.url().replace(/\?.*$/, '');

    await page.getByLabel('Contact email').fill('ana@example.com');
    await page.getByLabel('Contact name').fill('Ana');
    await page.getByLabel('Contact language').selectOption('hr');
    await page.getByRole('button', { name: 'Send test event' }).click();
    await page.getByText('Event accepted.').waitFor();
    await shot(page, '06-survey-test-event');

    await world.relay();
    const [mail] = await world.smtp.waitForMails(1, 20_000);
    expect(mail!.to).toEqual(['ana@example.com']);
    expect(mail!.parsed.text).toContain(CROATIAN_QUESTION);
    const link = new RegExp(`${base.replace(/[.]/g, '\\.')}/s/[A-Za-z0-9_-]+/4`).exec(
      mail!.parsed.text ?? '',
    )![0];

    const customer = await browser.newPage();
    await customer.goto(link);
    await customer.getByLabel(/^4/).check();
    await customer
      .locator('textarea[name="comment"]')
      .fill('Brzo i ljubazno <script>alert(1)</script>');
    await customer.locator('form button[type="submit"]').click();
    await customer.locator('[role="status"]').waitFor();
    await customer.screenshot({
      path: path.join(ARTIFACTS, '07-customer-answered.png'),
      fullPage: true,
    });
    await customer.close();

    await page.goto(`${base}/dashboard/responses`);
    const row = page.locator('tbody tr').first();
    expect(((await row.locator('[data-response-score]').textContent()) ?? '').trim()).toMatch(
      /^4$/,
    );
    expect(((await row.textContent()) ?? '').trim()).toMatch(
      /Brzo i ljubazno <script>alert\(1\)<\/script>/,
    );
    await shot(page, '08-responses');
    await row.getByRole('link').first().click();
    await page.getByText('History').waitFor();
    await shot(page, '09-response-detail');

    await page.goto(surveyUrl);
    expect(((await page.locator('[data-score="survey"]').textContent()) ?? '').trim()).toMatch(
      /^100\.0$/,
    );
    expect(((await page.locator('[data-n="survey"]').textContent()) ?? '').trim()).toMatch(/^1$/);
    await shot(page, '10-survey-scored');
    await page.goto(`${base}/dashboard`);
    expect(((await page.locator('[data-score="csat"]').textContent()) ?? '').trim()).toMatch(
      /^100\.0$/,
    );
    await shot(page, '11-overview-scored');
    await page.goto(`${base}/dashboard/account`);
    await shot(page, '12-account');
    expect(cspErrors).toEqual([]);
    await context.close();
  }, 120_000);

  it('an executive reads the monthly report but gets 403 on survey editing', async () => {
    const { workspace } = await buildWorkspace(world.ctx.db);
    const executive = await buildUser(world.ctx.db, workspace.id, 'executive');
    const admin = await buildUser(world.ctx.db, workspace.id, 'admin');
    const survey = await world.ctx.db
      .insertInto('surveys')
      .values({
        workspace_id: workspace.id,
        kind: 'nps',
        name: 'Onboarding NPS',
        status: 'active',
        trigger_event_type: 'order.delivered',
        texts: '{}',
        segment_properties: '[]',
        launched_at: new Date('2020-01-01T00:00:00Z'),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await signIn(page, executive.email);
    expect(
      ((await page.getByRole('navigation', { name: 'Main' }).textContent()) ?? '').trim(),
    ).toMatch(/^\s*Overview\s*Reports\s*$/);
    await shot(page, '13-executive-overview-mobile');
    await page.getByRole('link', { name: 'Reports' }).click();
    await page.getByRole('link', { name: /Monthly scores for/ }).click();
    await page.getByRole('heading', { name: /Monthly report/ }).waitFor();
    await page.getByRole('heading', { name: /Onboarding NPS/ }).waitFor();
    await shot(page, '14-executive-monthly-report');
    const edit = await page.goto(`${base}/dashboard/surveys/${survey.id}/edit`);
    expect(edit!.status()).toBe(403);
    await page.getByRole('heading', { name: 'Not allowed' }).waitFor();
    await shot(page, '15-executive-403');
    const themes = await page.goto(`${base}/dashboard/surveys/${survey.id}/themes`);
    expect(themes!.status()).toBe(403);
    await context.close();

    await seedInsights(workspace.id, survey.id);
    const action = await createAction(world.ctx.db, world.ctx.clock, workspace.id, {
      surveyId: survey.id,
      title: 'Call back free-plan detractors',
      ownerName: 'Ana',
      dueDate: '2020-02-01',
      status: 'in_progress',
      target: { type: 'segment', property: 'plan', value: 'free' },
    });
    const { report: monthly } = await requestReport(world.ctx, workspace.id, {
      kind: 'monthly',
      periodStart: '2026-01-01',
      deliver: false,
    });
    const { report: weekly } = await requestReport(world.ctx, workspace.id, {
      kind: 'weekly',
      periodStart: '2026-01-05',
      deliver: false,
    });

    const adminContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const adminPage = await adminContext.newPage();
    await signIn(adminPage, admin.email);
    for (const [name, url] of [
      ['16-admin-surveys', '/dashboard/surveys'],
      ['17-admin-api-keys', '/dashboard/api-keys'],
      ['18-admin-users', '/dashboard/users'],
      ['19-admin-settings', '/dashboard/settings'],
      ['20-admin-reports', '/dashboard/reports'],
      ['21-admin-segments-index', '/dashboard/segments'],
      ['22-admin-segments', `/dashboard/surveys/${survey.id}/segments?property=plan`],
      ['23-admin-themes', `/dashboard/surveys/${survey.id}/themes`],
      ['24-admin-actions', '/dashboard/actions'],
      ['25-admin-action', `/dashboard/actions/${action.id}`],
      ['26-admin-report-stored', `/dashboard/reports/${monthly.id}`],
      ['27-admin-report-items', `/dashboard/reports/${weekly.id}/items`],
      ['28-admin-followups', '/dashboard/followups'],
      ['29-admin-followups-overdue', '/dashboard/followups?view=overdue'],
    ] as const) {
      const res = await adminPage.goto(`${base}${url}`);
      expect(res!.status()).toBe(200);
      await shot(adminPage, name);
    }
    await adminContext.close();
  }, 120_000);
});
