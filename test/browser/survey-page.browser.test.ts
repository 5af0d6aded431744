import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { renderInvitationEmail } from '../../src/surveys/email';
import { buildSentInvitation } from '../support/collector-factories';
import { buildSurvey, buildWorkspace } from '../support/factories';
import { createTestWorld } from '../support/test-context';
import type { TestWorld } from '../support/test-context';

const ARTIFACTS = path.join(__dirname, '..', 'artifacts');

let world: TestWorld;
let server: Server;
let base: string;
let browser: Browser;

beforeAll(async () => {
  world = await createTestWorld();
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

describe.each([
  { locale: 'en', thanks: 'Thank you!', saved: 'your comment has been saved' },
  { locale: 'sr-Cyrl', thanks: 'Хвала', saved: 'коментар' },
])('the survey page in a real browser ($locale)', ({ locale, thanks, saved }) => {
  it('opens the email link, changes the score, writes a comment and sees the thank-you page', async () => {
    const { workspace } = await buildWorkspace(world.ctx.db, 'Pekara Glas');
    const survey = await buildSurvey(world.ctx.db, workspace.id, { kind: 'nps' });
    const { token, invitation } = await buildSentInvitation(world.ctx.db, {
      workspaceId: workspace.id,
      surveyId: survey.id,
      locale,
    });
    const email = renderInvitationEmail({
      invitationId: invitation.id,
      kind: 'nps',
      surveyTexts: {},
      locale: locale as 'en' | 'sr-Cyrl',
      company: 'Pekara Glas',
      contactName: null,
      token,
      publicUrl: base,
    });
    const link = /href="([^"]+\/s\/[^"]+\/9)"/.exec(email.html)![1]!;

    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto(link);
    expect(await page.getAttribute('html', 'lang')).toBe(locale);
    expect(await page.isChecked('input[name="score"][value="9"]')).toBe(true);

    // Keyboard and labels: the radio for 6 is reachable by its accessible name.
    await page.getByRole('radio', { name: '6', exact: true }).check();
    await page.getByRole('textbox').fill('Hleb je bio hladan <script>alert(1)</script>');
    await page.getByRole('button').click();
    await page.waitForLoadState('load');

    expect(await page.textContent('h1')).toContain(thanks);
    expect((await page.textContent('[role="status"]'))!.toLowerCase()).toContain(
      saved.toLowerCase(),
    );
    expect(await page.isChecked('input[name="score"][value="6"]')).toBe(true);
    expect(await page.inputValue('textarea')).toContain('<script>alert(1)</script>');
    expect(await page.locator('script').count()).toBe(0);
    await page.screenshot({ path: path.join(ARTIFACTS, `survey-${locale}.png`), fullPage: true });
    await context.close();

    const row = await world.ctx.db
      .selectFrom('responses')
      .selectAll()
      .where('invitation_id', '=', invitation.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ score: 6, status: 'counted', flagged: false, locale });
  });
});
