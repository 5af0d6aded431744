import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import type { SurveyKind } from '../../db/schema';
import { renderInvitationEmail } from '../../src/surveys/email';
import { messagesFor } from '../../src/surveys/i18n';
import type { Locale } from '../../src/surveys/i18n';
import { scoreLabel } from '../../src/surveys/texts';
import { launchChromium } from '../support/browser';
import { buildSentInvitation } from '../support/collector-factories';
import { buildSurvey, buildWorkspace } from '../support/factories';
import { createTestWorld } from '../support/test-context';
import type { TestWorld } from '../support/test-context';

const ARTIFACTS = path.join(__dirname, '..', 'artifacts', 'kinds');

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

describe.each<{ kind: SurveyKind; locale: Locale; clicked: number; chosen: number }>([
  { kind: 'enps', locale: 'en', clicked: 9, chosen: 6 },
  { kind: 'stars', locale: 'hr', clicked: 5, chosen: 2 },
  { kind: 'smileys', locale: 'sr-Cyrl', clicked: 4, chosen: 1 },
  { kind: 'thumbs', locale: 'vi', clicked: 1, chosen: 0 },
  { kind: 'pmf', locale: 'sr-Latn', clicked: 3, chosen: 2 },
])(
  'a $kind survey at phone width, without JavaScript ($locale)',
  ({ kind, locale, clicked, chosen }) => {
    it('shows the email buttons and the page options by name, and takes a changed answer', async () => {
      const { workspace } = await buildWorkspace(world.ctx.db, 'Pekara Glas');
      const survey = await buildSurvey(world.ctx.db, workspace.id, { kind });
      const { token, invitation } = await buildSentInvitation(world.ctx.db, {
        workspaceId: workspace.id,
        surveyId: survey.id,
        locale,
      });
      const m = messagesFor(locale);
      const email = renderInvitationEmail({
        invitationId: invitation.id,
        kind,
        surveyTexts: {},
        locale,
        company: 'Pekara Glas',
        contactName: 'Ana',
        token,
        publicUrl: base,
      });
      const context = await browser.newContext({
        viewport: { width: 390, height: 844 },
        javaScriptEnabled: false,
      });
      const mail = await context.newPage();
      await mail.setContent(email.html);
      // Each button is a link whose accessible name is the answer's text name.
      const button = mail.getByRole('link', { name: scoreLabel(kind, m, clicked), exact: true });
      expect(await button.count()).toBe(1);
      // NOTE: the 0–10 row (NPS and eNPS alike) is wider than a phone; mail apps scale it down.
      if (kind !== 'enps') {
        expect(await mail.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(
          390,
        );
      }
      await mail.screenshot({ path: path.join(ARTIFACTS, `email-${kind}.png`), fullPage: true });
      const link = await button.getAttribute('href');

      const page = await context.newPage();
      await page.goto(link!);
      expect(await page.getAttribute('html', 'lang')).toBe(locale);
      const clickedRadio = page.getByRole('radio', {
        name: scoreLabel(kind, m, clicked),
        exact: true,
      });
      expect(await clickedRadio.isChecked()).toBe(true);
      expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
      await page.getByRole('radio', { name: scoreLabel(kind, m, chosen), exact: true }).check();
      await page.getByRole('textbox').fill('Dobro');
      await page.getByRole('button').click();
      await page.waitForLoadState('load');
      expect(await page.textContent('[role="status"]')).toContain(m.commentSaved);
      expect(await page.isChecked(`input[name="score"][value="${chosen}"]`)).toBe(true);
      await page.screenshot({ path: path.join(ARTIFACTS, `page-${kind}.png`), fullPage: true });
      await context.close();

      const row = await world.ctx.db
        .selectFrom('responses')
        .selectAll()
        .where('invitation_id', '=', invitation.id)
        .executeTakeFirstOrThrow();
      expect(row).toMatchObject({ score: chosen, status: 'counted', locale });
    });
  },
);
