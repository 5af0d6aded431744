import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { createServer } from 'node:net';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { createDemoWorkspace } from '../../src/demo/demo.service';
import type { DemoResult } from '../../src/demo/demo.service';
import { deliverInvitation } from '../../src/dispatch/invitation.service';
import { createLogger } from '../../src/logger';
import { launchChromium } from '../support/browser';
import { anchoredClock, createTestWorld } from '../support/test-context';
import type { TestWorld } from '../support/test-context';

// Walks the demo workspace as a manager and as an executive: every page has data. With
// GLAS_SCREENSHOTS=1 (`npm run screenshots`) it refreshes the README's pictures in docs/images.
const README_IMAGES = process.env.GLAS_SCREENSHOTS === '1';
const IMAGES = README_IMAGES
  ? path.join(__dirname, '../../docs/images')
  : path.join(__dirname, '../artifacts/demo');
const NOW = '2026-11-20T09:30:00Z';
const PASSWORD = 'demo passphrase';
/** What the dashboard says when a page has nothing to show. */
const EMPTY =
  /No (cases here|surveys yet|comments yet|live surveys|responses this month|reports stored yet|responses match|responses with|surveys match|themes in this range)|None: every send has a known outcome/;

let world: TestWorld;
let server: Server;
let browser: Browser;
let base: string;
let demo: DemoResult;

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

/** The first screenful, as a README picture shows it. */
async function shot(page: Page, name: string) {
  await page.screenshot({ path: path.join(IMAGES, `${name}.png`) });
}

async function signIn(page: Page, email: string) {
  await page.goto(`${base}/dashboard`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${base}/dashboard`);
}

/** Opens a dashboard page and checks it answered 200 with something to show. */
async function visit(page: Page, url: string) {
  const res = await page.goto(`${base}${url}`);
  expect([url, res!.status()]).toEqual([url, 200]);
  const text = (await page.locator('main').textContent()) ?? '';
  expect([url, EMPTY.exec(text)?.[0] ?? null]).toEqual([url, null]);
}

beforeAll(async () => {
  mkdirSync(IMAGES, { recursive: true });
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  // PUBLIC_URL is this server: the dashboard checks form posts' Origin against it.
  world = await createTestWorld({ env: { PUBLIC_URL: base }, clock: anchoredClock(NOW) });
  server = await new Promise<Server>((resolve) => {
    const s = world.app.listen(port, '127.0.0.1', () => resolve(s));
  });
  demo = await createDemoWorkspace(
    {
      db: world.ctx.db,
      config: world.ctx.config,
      hashEmail: world.ctx.hashEmail,
      logger: createLogger('silent'),
      now: world.ctx.clock.now(),
    },
    { password: PASSWORD },
  );
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
  await world?.close();
});

const survey = (kind: 'nps' | 'csat' | 'ces') => demo.surveys.find((s) => s.kind === kind)!;

describe('the demo workspace in a real browser', () => {
  it('a customer opens the survey link from the email', async () => {
    const event = await request(world.app)
      .post('/api/events')
      .set('Authorization', `Bearer ${demo.apiKey}`)
      .send({
        type: 'ticket.closed',
        contact: { email: 'ivana.babic@customers.example', name: 'Ivana Babić', locale: 'hr' },
        properties: { team: 'technical', agent: 'Ana' },
      })
      .expect(202);
    const invitation = event.body.invitations[0];
    const outcome = await deliverInvitation(
      {
        db: world.ctx.db,
        clock: world.ctx.clock,
        mailer: world.ctx.mailer,
        publicUrl: base,
        giveUpHours: 72,
      },
      demo.workspace.id,
      invitation.id,
    );
    expect(outcome).toBe('sent');
    const [mail] = await world.smtp.waitForMails(1);
    const link = /https?:\/\/[^\s]+\/s\/[A-Za-z0-9_-]+\/9/.exec(mail!.parsed.text ?? '')![0];
    const context = await browser.newContext({ viewport: { width: 420, height: 600 } });
    const page = await context.newPage();
    await page.goto(link);
    expect(await page.getAttribute('html', 'lang')).toBe('hr');
    expect(await page.isChecked('input[name="score"][value="9"]')).toBe(true);
    await shot(page, 'survey-page');
    await context.close();
  });

  it('a manager finds data on every page', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signIn(page, `manager@demo.glas.example`);
    for (const kind of ['nps', 'csat', 'ces'] as const) {
      const text = (await page.locator(`[data-score="${kind}"]`).textContent()) ?? '';
      expect(text.trim()).toMatch(/^[-−]?\d+(\.\d+)?$/);
    }
    await shot(page, 'dashboard-overview');
    const nps = survey('nps');
    for (const url of [
      '/dashboard/surveys',
      `/dashboard/surveys/${nps.id}`,
      `/dashboard/surveys/${survey('csat').id}`,
      `/dashboard/surveys/${survey('ces').id}`,
      '/dashboard/responses',
      '/dashboard/segments',
      `/dashboard/surveys/${nps.id}/themes`,
      `/dashboard/surveys/${survey('csat').id}/themes`,
      '/dashboard/followups',
      '/dashboard/followups?status=open',
      '/dashboard/followups?status=contacted',
      '/dashboard/followups?status=resolved',
      '/dashboard/actions',
      '/dashboard/deliveries',
      '/dashboard/reports',
    ]) {
      await visit(page, url);
    }
    for (const property of ['region', 'plan', 'team', 'agent']) {
      await visit(page, `/dashboard/surveys/${nps.id}/segments?month=2026-10&property=${property}`);
      expect(await page.locator('tbody tr').count()).toBeGreaterThan(1);
    }
    await visit(page, `/dashboard/surveys/${nps.id}/segments?month=2026-10&property=team`);
    await shot(page, 'segments');
    await page.goto(`${base}/dashboard/actions`);
    await page.getByRole('link', { name: /Billing: answer every ticket/ }).click();
    await page.getByRole('heading', { name: /Billing: answer every ticket/ }).waitFor();
    await page.goto(`${base}/dashboard/followups`);
    await page.locator('tbody tr a').first().click();
    await page.getByRole('heading').first().waitFor();
    await page.goto(`${base}/dashboard/responses`);
    await page.locator('tbody tr a').first().click();
    await page.getByText('History').waitFor();
    await context.close();
  }, 120_000);

  it('an executive reads the overview and the monthly reports', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signIn(page, `executive@demo.glas.example`);
    expect(
      ((await page.getByRole('navigation', { name: 'Main' }).textContent()) ?? '').trim(),
    ).toMatch(/^\s*Overview\s*Reports\s*$/);
    await visit(page, '/dashboard');
    await visit(page, '/dashboard/reports');
    await visit(page, '/dashboard/reports/monthly/2026-10');
    await page
      .getByRole('heading', { name: /Support NPS/ })
      .first()
      .waitFor();
    await shot(page, 'monthly-report');
    const forbidden = await page.goto(`${base}/dashboard/followups`);
    expect(forbidden!.status()).toBe(403);
    await context.close();
  }, 60_000);
});
