import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/browser';
import type { Clock } from '../../src/clock';
import { requestReport, reportWebUrl } from '../../src/reports/report.service';
import { buildResponse, buildSurvey, buildWorkspace } from '../support/factories';
import { createTestWorld } from '../support/test-context';
import type { TestWorld } from '../support/test-context';

const ARTIFACTS = path.join(__dirname, '..', 'artifacts');
const clock: Clock = { now: () => new Date('2026-04-02T09:00:00Z') };

let world: TestWorld;
let server: Server;
let base: string;
let browser: Browser;

beforeAll(async () => {
  world = await createTestWorld({ clock });
  server = await new Promise<Server>((resolve) => {
    const s = world.app.listen(0, '127.0.0.1', () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium();
  mkdirSync(ARTIFACTS, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await world.close();
});

describe('the report page in a real browser', () => {
  it('renders the trend chart as SVG under the strict CSP, with no script running', async () => {
    const { workspace } = await buildWorkspace(world.ctx.db, 'Pekara Glas');
    const survey = await buildSurvey(world.ctx.db, workspace.id, { kind: 'nps' });
    for (let m = 0; m < 12; m++) {
      for (let i = 0; i < 36; i++) {
        const row = await buildResponse(world.ctx.db, {
          workspaceId: workspace.id,
          surveyId: survey.id,
          score: [10, 9, 8, 3, 10, 6, 9, m % 3 === 0 ? 2 : 9][i % 8]!,
          createdAt: new Date(Date.UTC(2025, 3 + m, 5, 10, i)),
          segment: { region: i % 3 === 0 ? 'north' : 'south' },
        });
        if (i % 6 === 0) {
          await world.ctx.db
            .updateTable('responses')
            .set({
              comment:
                i % 12 === 0 ? 'Delivery was late <b>again</b>' : 'Delivery late, courier rude',
            })
            .where('id', '=', row.id)
            .execute();
        }
      }
    }
    const { report } = await requestReport(world.ctx, workspace.id, {
      kind: 'monthly',
      periodStart: '2026-03-01',
      deliver: false,
    });
    const url = new URL(reportWebUrl(world.ctx.config, report.id));
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const violations: string[] = [];
    page.on('console', (msg) => {
      if (/Content Security Policy/i.test(msg.text())) {
        violations.push(msg.text());
      }
    });
    const res = await page.goto(`${base}${url.pathname}${url.search}`);
    expect(res?.status()).toBe(200);
    await expect(page.locator('h1').textContent()).resolves.toContain('March 2026');
    expect(await page.locator('.chart svg').count()).toBe(1);
    expect(await page.locator('.chart svg path').count()).toBeGreaterThan(2);
    // The comment's markup is text on the page, not an element.
    expect(await page.locator('blockquote b').count()).toBe(0);
    const background = await page
      .locator('section.card')
      .first()
      .evaluate(
        (el) =>
          (
            globalThis as unknown as {
              getComputedStyle(e: unknown): { backgroundColor: string };
            }
          ).getComputedStyle(el).backgroundColor,
      );
    expect(background).toBe('rgb(255, 255, 255)'); // the served stylesheet applied
    await page.screenshot({ path: path.join(ARTIFACTS, 'report-page.png'), fullPage: true });
    expect(violations).toEqual([]);
    await page.close();
  });
});
