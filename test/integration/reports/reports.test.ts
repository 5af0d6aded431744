import request from 'supertest';
import type { Clock } from '../../../src/clock';
import { ensureSchedules } from '../../../src/jobs/schedules';
import { runReportTick } from '../../../src/reports/report.service';
import { reportShareToken } from '../../../src/platform/keyed-hash';
import {
  recordScheduleRun,
  registerScheduleRuns,
} from '../../../src/platform/schedule-runs.service';
import { bearer, buildApiKey, buildSurvey, buildWorkspace } from '../../support/factories';
import type { ReceivedMail } from '../../support/smtp';
import { createTestWorld } from '../../support/test-context';
import type { TestWorld } from '../../support/test-context';
import { waitFor } from '../../support/wait';

const SECRET = 'test-secret-for-reports-0123456789abcdef';
const HOSTILE = 'Refund please <script>alert("x")</script><img src=x onerror=alert(1)>';

/** A clock the test moves by hand; nothing sleeps. */
function manualClock(start: string): Clock & { set(iso: string): void } {
  let now = new Date(start);
  return { now: () => new Date(now), set: (iso) => (now = new Date(iso)) };
}

// Each test sets the time it needs: the clock is shared, the order of tests is not.
const BEFORE_SEVEN_ZAGREB = '2026-04-01T04:59:00Z'; // 06:59 in Zagreb (CEST) on 1 April
const AFTER_SEVEN_ZAGREB = '2026-04-01T05:01:00Z';

const clock = manualClock('2026-04-01T04:00:00Z');
let world: TestWorld;

interface Seeded {
  adminKey: string;
  workspaceId: string;
  surveyId: string;
  /** Report recipients are ceo@, cfo@ (monthly) and ops@ (weekly) at this domain. */
  domain: string;
}

/**
 * A workspace "Pekara Glas" with an NPS survey and 13 months of responses (Mar 2025 – Mar 2026),
 * two plans, comments in three languages. `backdated` makes it exist long before the periods
 * reported on (a workspace gets no report for a period that ended before it existed); `domain`
 * sets the report settings with recipients there. Each workspace has its own recipients, so a
 * test reads only its own mails whatever other workspaces' reports went out before.
 */
async function seededWorkspace(opts: { backdated: boolean; domain?: string }): Promise<Seeded> {
  const db = world.ctx.db;
  const { workspace, adminKey } = await buildWorkspace(db, 'Pekara Glas');
  if (opts.backdated) {
    await db
      .updateTable('workspaces')
      .set({ created_at: new Date('2025-01-01T00:00:00Z') })
      .where('id', '=', workspace.id)
      .execute();
  }
  const surveyId = (await buildSurvey(db, workspace.id, { kind: 'nps' })).id;
  const comments = [
    'Delivery was late again, the courier never called',
    'Dostava je kasnila, kurir nije zvao',
    'Достава је каснила, курир није звао',
    'Giao hàng chậm, người giao hàng không gọi',
    'Great support, friendly staff',
    HOSTILE,
  ];
  const localeOf = (text: string) =>
    text.startsWith('Dostava')
      ? 'hr'
      : text.startsWith('Достава')
        ? 'sr-Cyrl'
        : text.startsWith('Giao')
          ? 'vi'
          : 'en';
  const rows = [];
  let k = 0;
  for (let m = 0; m < 13; m++) {
    const at = new Date(Date.UTC(2025, 2 + m, 10, 12));
    // March 2026 gets much worse for "basic", so it is a significant mover.
    for (let i = 0; i < 80; i++) {
      const plan = i % 2 === 0 ? 'pro' : 'basic';
      const score =
        plan === 'pro'
          ? [10, 9, 9, 8, 10, 7][i % 6]!
          : m === 12
            ? [2, 3, 5, 9, 6, 4][i % 6]!
            : [9, 10, 9, 9, 9, 10][i % 6]!;
      const createdAt = new Date(at.getTime() + i * 60_000);
      const comment = i % 4 === 0 ? comments[k++ % comments.length]! : null;
      rows.push({
        workspace_id: workspace.id,
        survey_id: surveyId,
        score,
        comment,
        locale: comment ? localeOf(comment) : 'en',
        segment: JSON.stringify({ plan }),
        source: 'import',
        status: 'counted' as const,
        created_at: createdAt,
        updated_at: createdAt,
      });
    }
  }
  // One insert: the rows are what an import would leave, and 1,040 round trips per workspace
  // would make a fresh workspace per test too slow.
  await db.insertInto('responses').values(rows).execute();
  const domain = opts.domain ?? `${workspace.id.slice(0, 8)}.pekara.test`;
  if (opts.domain) {
    await request(world.app)
      .patch('/api/workspace')
      .set(bearer(adminKey))
      .send({
        timeZone: 'Europe/Zagreb',
        executiveRecipients: [`ceo@${domain}`, `cfo@${domain}`],
        managerRecipients: [`ops@${domain}`],
        reportHour: 7,
      })
      .expect(200);
  }
  return { adminKey, workspaceId: workspace.id, surveyId, domain };
}

/** Mails that reached a recipient at `domain`. */
const mailsTo = (domain: string) =>
  world.smtp.inbox.filter((m) => m.to.some((t) => t.endsWith(`@${domain}`)));

async function waitForMailsTo(domain: string, count: number): Promise<ReceivedMail[]> {
  return waitFor(() => (mailsTo(domain).length >= count ? mailsTo(domain) : undefined), {
    timeoutMs: 20_000,
    what: () => `${count} mail(s) to @${domain}, got ${mailsTo(domain).length}`,
  });
}

/**
 * The workspace the report-reading tests share: seeded, with report settings and the refund
 * theme pinned and renamed "Refunds" before any report of it is generated (a report keeps the
 * themes as they were when it was made). Nothing a test does changes what the others read.
 */
let main: Seeded;
let adminKey: string;
let workspaceId: string;
let surveyId: string;

async function pinRefunds(s: Seeded): Promise<string> {
  const themes = await request(world.app)
    .get(`/api/surveys/${s.surveyId}/themes?since=2026-03-01&until=2026-03-31`)
    .set(bearer(s.adminKey))
    .expect(200);
  const refund = themes.body.themes.find((t: { key: string }) => t.key.startsWith('refund'));
  expect(refund).toBeDefined();
  for (const body of [
    { kind: 'pin', themeKey: refund.key },
    { kind: 'rename', themeKey: refund.key, label: 'Refunds' },
  ]) {
    await request(world.app)
      .post(`/api/surveys/${s.surveyId}/theme-overrides`)
      .set(bearer(s.adminKey))
      .send(body)
      .expect(201);
  }
  return refund.key as string;
}

async function findReport(kind: 'monthly' | 'weekly', periodStart: string) {
  const list = await request(world.app)
    .get(`/api/reports?kind=${kind}`)
    .set(bearer(adminKey))
    .expect(200);
  return list.body.data.find((r: { periodStart: string }) => r.periodStart === periodStart) as
    { id: string; webUrl: string; periodStart: string } | undefined;
}

/** The shared workspace's March report (and week 13), made and mailed by a tick if not yet. */
async function marchReport() {
  const existing = await findReport('monthly', '2026-03-01');
  if (existing) {
    return existing;
  }
  clock.set(AFTER_SEVEN_ZAGREB);
  await runReportTick(world.ctx);
  return (await findReport('monthly', '2026-03-01'))!;
}

beforeAll(async () => {
  world = await createTestWorld({ clock, env: { GLAS_SECRET: SECRET } });
  main = await seededWorkspace({ backdated: true, domain: 'pekara.test' });
  ({ adminKey, workspaceId, surveyId } = main);
  await pinRefunds(main);
}, 60_000);
afterAll(() => world.close());

describe('PATCH /api/workspace', () => {
  it('stores report recipients, day, hour and time zone, and shows them to admins', async () => {
    const { adminKey } = await buildWorkspace(world.ctx.db);
    const res = await request(world.app)
      .patch('/api/workspace')
      .set(bearer(adminKey))
      .send({
        timeZone: 'Europe/Zagreb',
        executiveRecipients: ['CEO@pekara.test', 'cfo@pekara.test', 'ceo@pekara.test'],
        managerRecipients: ['ops@pekara.test'],
        reportHour: 7,
      })
      .expect(200);
    expect(res.body).toMatchObject({
      timeZone: 'Europe/Zagreb',
      executiveRecipients: ['ceo@pekara.test', 'cfo@pekara.test'],
      managerRecipients: ['ops@pekara.test'],
      monthlyReportDay: 1,
      weeklyReportWeekday: 1,
      reportHour: 7,
    });
    const read = await request(world.app).get('/api/workspace').set(bearer(adminKey)).expect(200);
    expect(read.body.timeZone).toBe('Europe/Zagreb');
  });

  it('rejects an unknown time zone, a bad hour and unknown fields with 400 naming them', async () => {
    const res = await request(world.app)
      .patch('/api/workspace')
      .set(bearer(adminKey))
      .send({ timeZone: 'Mars/Olympus', reportHour: 24, workspaceId: 'x' })
      .expect(400);
    const fields = res.body.error.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['timeZone', 'reportHour']));
  });

  it('is refused to managers (403) and executives cannot read it', async () => {
    const manager = await buildApiKey(world.ctx.db, workspaceId, 'manager');
    const executive = await buildApiKey(world.ctx.db, workspaceId, 'executive');
    await request(world.app)
      .patch('/api/workspace')
      .set(bearer(manager))
      .send({ reportHour: 8 })
      .expect(403);
    await request(world.app).get('/api/workspace').set(bearer(executive)).expect(403);
  });
});

describe('theme overrides', () => {
  it('pin and rename a theme, and the grouping remembers it', async () => {
    // Its own workspace: the shared one has its overrides set already.
    const { adminKey, surveyId } = await seededWorkspace({ backdated: false });
    const themes = await request(world.app)
      .get(`/api/surveys/${surveyId}/themes?since=2026-03-01&until=2026-03-31`)
      .set(bearer(adminKey))
      .expect(200);
    const refund = themes.body.themes.find((t: { key: string }) => t.key.startsWith('refund'));
    expect(refund).toBeDefined();
    const pin = await request(world.app)
      .post(`/api/surveys/${surveyId}/theme-overrides`)
      .set(bearer(adminKey))
      .send({ kind: 'pin', themeKey: refund.key })
      .expect(201);
    await request(world.app)
      .post(`/api/surveys/${surveyId}/theme-overrides`)
      .set(bearer(adminKey))
      .send({ kind: 'rename', themeKey: refund.key, label: 'Refund' })
      .expect(201);
    await request(world.app)
      .post(`/api/surveys/${surveyId}/theme-overrides`)
      .set(bearer(adminKey))
      .send({ kind: 'rename', themeKey: refund.key, label: 'Refunds' })
      .expect(200);
    const after = await request(world.app)
      .get(`/api/surveys/${surveyId}/themes?since=2026-03-01&until=2026-03-31`)
      .set(bearer(adminKey))
      .expect(200);
    expect(after.body.themes[0]).toMatchObject({ key: refund.key, label: 'Refunds', pinned: true });
    const listed = await request(world.app)
      .get(`/api/surveys/${surveyId}/theme-overrides`)
      .set(bearer(adminKey))
      .expect(200);
    expect(listed.body.data).toHaveLength(2);
    expect(pin.body).toMatchObject({ kind: 'pin', themeKey: refund.key });
  });

  it('refuses a merge into itself (422), bad kinds (400) and another workspace (404)', async () => {
    await request(world.app)
      .post(`/api/surveys/${surveyId}/theme-overrides`)
      .set(bearer(adminKey))
      .send({ kind: 'merge', themeKey: 'a', into: 'a' })
      .expect(422);
    const bad = await request(world.app)
      .post(`/api/surveys/${surveyId}/theme-overrides`)
      .set(bearer(adminKey))
      .send({ kind: 'explode', themeKey: 'a' })
      .expect(400);
    expect(bad.body.error.details[0].field).toBe('kind');
    const other = await buildWorkspace(world.ctx.db);
    await request(world.app)
      .post(`/api/surveys/${surveyId}/theme-overrides`)
      .set(bearer(other.adminKey))
      .send({ kind: 'pin', themeKey: 'a' })
      .expect(404);
  });
});

describe('the scheduled monthly and weekly reports', () => {
  it('send no monthly report before 07:00 local on 1 April (the weekly one fell due on Monday)', async () => {
    // A workspace of its own: the shared one may have had its March report made already.
    const fresh = await seededWorkspace({ backdated: true, domain: 'before-seven.pekara.test' });
    clock.set(BEFORE_SEVEN_ZAGREB);
    await runReportTick(world.ctx);
    const march = await world.ctx.db
      .selectFrom('reports')
      .select('id')
      .where('workspace_id', '=', fresh.workspaceId)
      .where('period_start', '=', '2026-03-01')
      .execute();
    expect(march).toHaveLength(0);
    const [weekly, ...more] = await waitForMailsTo(fresh.domain, 1);
    expect(more).toEqual([]);
    expect(weekly!.to).toEqual([`ops@${fresh.domain}`]);
    expect(weekly!.parsed.subject).toBe(
      'What to fix this week — Pekara Glas, 2026-03-23 – 2026-03-29',
    );
  });

  it('after 07:00 local: twice in a row and three at once give one report and one email per recipient', async () => {
    // Whatever ticks ran before (before 07:00 or after), these leave the same end state.
    clock.set(AFTER_SEVEN_ZAGREB);
    await runReportTick(world.ctx);
    await runReportTick(world.ctx);
    await Promise.all([
      runReportTick(world.ctx),
      runReportTick(world.ctx),
      runReportTick(world.ctx),
    ]);

    const reports = await world.ctx.db
      .selectFrom('reports')
      .select(['kind', 'period_start'])
      .where('workspace_id', '=', workspaceId)
      .where('trigger', '=', 'schedule')
      .orderBy('kind')
      .orderBy('period_start')
      .execute();
    // Before 07:00 the February/earlier cycles were generated (not mailed); now March and week 13.
    expect(
      reports.filter((r) => r.period_start === '2026-03-01' && r.kind === 'monthly'),
    ).toHaveLength(1);
    expect(
      reports.filter((r) => r.period_start === '2026-03-23' && r.kind === 'weekly'),
    ).toHaveLength(1);

    const mails = await waitForMailsTo(main.domain, 3);
    const to = mails.flatMap((m) => m.to).sort();
    expect(to).toEqual(['ceo@pekara.test', 'cfo@pekara.test', 'ops@pekara.test']);
    const { n } = await world.ctx.db
      .selectFrom('report_deliveries')
      .innerJoin('reports', 'reports.id', 'report_deliveries.report_id')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('reports.workspace_id', '=', workspaceId)
      .where('report_deliveries.status', '=', 'sent')
      .executeTakeFirstOrThrow();
    expect(Number(n)).toBe(3);
    const exec = mails.find((m) => m.to.includes('ceo@pekara.test'))!;
    expect(exec.parsed.subject).toMatch(/March 2026 customer report — Pekara Glas: NPS/);
    expect(exec.parsed.text).toMatch(/NPS [+−]?\d+\.\d ± \d+\.\d \(n = 80\)/);
    expect(exec.parsed.text).toContain('Full report: http://glas.test/reports/');
  });

  it('emails contain the hostile comment only as escaped text, and a plain-text part', async () => {
    await marchReport();
    const mails = await waitForMailsTo(main.domain, 3);
    const exec = mails.find((m) => m.to.includes('ceo@pekara.test'))!;
    expect(String(exec.parsed.html)).toContain('Refund please &lt;script&gt;');
    expect(exec.parsed.text).toContain('Refund please <script>'); // text/plain is not markup
    for (const mail of mails) {
      const html = String(mail.parsed.html);
      expect(html).not.toContain('<script');
      expect(html).not.toMatch(/<img[^>]*onerror/i);
      expect(mail.parsed.text).toBeTruthy();
    }
  });
});

describe('GET /api/reports and /api/reports/:id', () => {
  it('match the metrics API for the same period, cell for cell', async () => {
    const march = await marchReport();
    expect(march).toMatchObject({
      kind: 'monthly',
      periodEnd: '2026-03-31',
      label: 'March 2026',
      trigger: 'schedule',
    });

    const report = await request(world.app)
      .get(`/api/reports/${march.id}`)
      .set(bearer(adminKey))
      .expect(200);
    const section = report.body.content.surveys[0];
    const metrics = await request(world.app)
      .get(
        `/api/surveys/${surveyId}/metrics?interval=month&since=2025-04-01&until=2026-03-31&compare=previous`,
      )
      .set(bearer(adminKey))
      .expect(200);
    expect(section.cell).toEqual(metrics.body.periods.at(-1).overall);
    expect(section.trend.points.map((p: { score: number | null }) => p.score)).toEqual(
      metrics.body.periods.map((p: { overall: { score: number | null } }) => p.overall.score),
    );
    expect(section.trend.fit).toEqual(metrics.body.trend);

    const yearly = await request(world.app)
      .get(
        `/api/surveys/${surveyId}/metrics?interval=month&since=2026-03-01&until=2026-03-31&compare=year`,
      )
      .set(bearer(adminKey))
      .expect(200);
    expect(section.vsLastYear.change).toEqual(yearly.body.periods[0].overall.change);

    const segments = await request(world.app)
      .get(
        `/api/surveys/${surveyId}/metrics?interval=month&since=2026-03-01&until=2026-03-31&compare=previous&segment=plan`,
      )
      .set(bearer(adminKey))
      .expect(200);
    for (const row of section.segments) {
      const { value, ...cell } = segments.body.periods[0].segments.find(
        (s: { value: string }) => s.value === row.value,
      );
      expect(row.cell).toEqual(cell);
      void value;
    }
    const basic = section.segments.find((s: { value: string }) => s.value === 'basic');
    expect(basic.mover).toBe('down');
    expect(section.segments[0].value).toBe('basic'); // costs the most
    expect(report.body.deliveries).toHaveLength(2);
  });

  it('link every figure to the responses behind it', async () => {
    const { id } = await marchReport();
    const { body } = await request(world.app)
      .get(`/api/reports/${id}`)
      .set(bearer(adminKey))
      .expect(200);
    const section = body.content.surveys[0];
    const listed = await request(world.app)
      .get(`${section.link}&limit=200`)
      .set(bearer(adminKey))
      .expect(200);
    expect(listed.body.data).toHaveLength(section.cell.n);
    const detractors = await request(world.app)
      .get(`${section.detractorsLink}&limit=200`)
      .set(bearer(adminKey))
      .expect(200);
    expect(detractors.body.data).toHaveLength(section.cell.categories.detractors);
    const basic = section.segments.find((s: { value: string }) => s.value === 'basic');
    const inSegment = await request(world.app)
      .get(`${basic.link}&limit=200`)
      .set(bearer(adminKey))
      .expect(200);
    expect(inSegment.body.data).toHaveLength(basic.cell.n);
    expect(section.themes.length).toBeGreaterThan(0);
    for (const quote of section.themes.flatMap((t: { quotes: { link: string }[] }) => t.quotes)) {
      await request(world.app).get(quote.link).set(bearer(adminKey)).expect(200);
    }
  });

  it('shows the pinned, renamed theme first and groups Serbian Cyrillic with Latin comments', async () => {
    const { id } = await marchReport();
    const { body } = await request(world.app)
      .get(`/api/reports/${id}`)
      .set(bearer(adminKey))
      .expect(200);
    const themes = body.content.surveys[0].themes as {
      label: string;
      pinned: boolean;
      responseIds: string[];
    }[];
    expect(themes[0]).toMatchObject({ label: 'Refunds', pinned: true });
    const texts = await Promise.all(
      themes
        .find((t) => t.label.toLowerCase().startsWith('dostav'))!
        .responseIds.map(
          async (rid) =>
            (await request(world.app).get(`/api/responses/${rid}`).set(bearer(adminKey))).body
              .comment,
        ),
    );
    expect(texts).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Dostava/),
        expect.stringMatching(/^Достава/),
      ]),
    );
  });

  it('is invisible to another workspace (404)', async () => {
    await marchReport();
    const other = await buildWorkspace(world.ctx.db);
    const list = await request(world.app).get('/api/reports').set(bearer(adminKey)).expect(200);
    const id = list.body.data[0].id;
    await request(world.app).get(`/api/reports/${id}`).set(bearer(other.adminKey)).expect(404);
    const theirs = await request(world.app)
      .get('/api/reports')
      .set(bearer(other.adminKey))
      .expect(200);
    expect(theirs.body.data).toEqual([]);
  });
});

describe('POST /api/reports', () => {
  it('generates any past period on demand, once, and refuses the current one', async () => {
    clock.set(AFTER_SEVEN_ZAGREB); // "current" is April 2026
    const first = await request(world.app)
      .post('/api/reports')
      .set(bearer(adminKey))
      .send({ kind: 'monthly', periodStart: '2025-11-17' })
      .expect(201);
    expect(first.body).toMatchObject({
      periodStart: '2025-11-01',
      periodEnd: '2025-11-30',
      trigger: 'api',
    });
    const again = await request(world.app)
      .post('/api/reports')
      .set(bearer(adminKey))
      .send({ kind: 'monthly', periodStart: '2025-11-01' })
      .expect(200);
    expect(again.body.id).toBe(first.body.id);
    const current = await request(world.app)
      .post('/api/reports')
      .set(bearer(adminKey))
      .send({ kind: 'monthly', periodStart: '2026-04-01' })
      .expect(422);
    expect(current.body.error.details[0].field).toBe('periodStart');
  });

  it('rejects bad input with 400 naming the field, and executives with 403', async () => {
    const bad = await request(world.app)
      .post('/api/reports')
      .set(bearer(adminKey))
      .send({ kind: 'yearly', periodStart: 'soon' })
      .expect(400);
    const fields = bad.body.error.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['kind', 'periodStart']));
    const executive = await buildApiKey(world.ctx.db, workspaceId, 'executive');
    await request(world.app)
      .post('/api/reports')
      .set(bearer(executive))
      .send({ kind: 'weekly', periodStart: '2026-03-02' })
      .expect(403);
  });
});

describe('GET /reports/:id (web page)', () => {
  it('opens with the share token from the email, with SVG charts and escaped comments', async () => {
    const march = await marchReport();
    expect(march.webUrl).toBe(
      `http://glas.test/reports/${march.id}?token=${reportShareToken(SECRET, march.id)}`,
    );
    const res = await request(world.app)
      .get(new URL(march.webUrl).pathname + new URL(march.webUrl).search)
      .expect(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toContain('<svg');
    expect(res.text).toContain('March 2026');
    expect(res.text).toContain('&lt;script&gt;');
    expect(res.text).not.toContain('<script');
    expect(res.text).not.toMatch(/<img[^>]*onerror/i);
    expect(res.text).not.toMatch(/style="/); // strict CSP: styles come from /assets/report.css
    await request(world.app)
      .get('/assets/report.css')
      .expect(200)
      .expect('content-type', /text\/css/);
  });

  it('refuses a missing or wrong token (401), and a token of another report', async () => {
    const march = await marchReport();
    await request(world.app).get(`/reports/${march.id}`).expect(401);
    await request(world.app)
      .get(`/reports/${march.id}?token=${'A'.repeat(43)}`)
      .expect(401);
    const list = await request(world.app)
      .get('/api/reports?kind=weekly')
      .set(bearer(adminKey))
      .expect(200);
    const weekly = list.body.data[0];
    await request(world.app)
      .get(`/reports/${march.id}?token=${reportShareToken(SECRET, weekly.id)}`)
      .expect(401);
  });

  it('links every figure to its evidence page, which opens with the same token', async () => {
    const march = await marchReport();
    const token = reportShareToken(SECRET, march.id);
    const page = await request(world.app).get(`/reports/${march.id}?token=${token}`).expect(200);
    expect(page.text).not.toContain('href="/api/');
    const links = [
      ...page.text.matchAll(/href="(\/reports\/[0-9a-f-]{36}\/responses\?[^"]+)"/g),
    ].map((m) => m[1]!.replaceAll('&amp;', '&'));
    expect(links.length).toBeGreaterThan(0);
    expect(links.every((l) => l.includes(`token=${token}`))).toBe(true);
    const evidence = await request(world.app).get(links[0]!).expect(200);
    expect(evidence.text).toContain('Responses behind the figure');
    expect(evidence.text).not.toMatch(/@example\.com/);
    // Without the token, or outside the report's range, nothing is shown.
    await request(world.app)
      .get(links[0]!.replace(`token=${token}&`, ''))
      .expect(401);
    const survey = new URL(links[0]!, 'http://x').searchParams.get('surveyId');
    await request(world.app)
      .get(
        `/reports/${march.id}/responses?token=${token}&surveyId=${survey}&since=2020-01-01T00:00:00Z&until=2020-02-01T00:00:00Z`,
      )
      .expect(400);
    // The emailed report links to the same evidence pages, absolute.
    const emailed = await waitFor(
      () => world.smtp.inbox.find((m) => String(m.parsed.html).includes(march.id)),
      { timeoutMs: 20_000, what: `the mail of report ${march.id}` },
    );
    expect(String(emailed.parsed.html)).toContain(
      `http://glas.test/reports/${march.id}/responses?token=${token}&amp;surveyId=`,
    );
    expect(String(emailed.parsed.html)).not.toContain('/api/');
  });

  it('opens with a reader API key of the workspace, and 404s for another workspace’s key', async () => {
    const march = await marchReport();
    const executive = await buildApiKey(world.ctx.db, workspaceId, 'executive');
    await request(world.app).get(`/reports/${march.id}`).set(bearer(executive)).expect(200);
    const other = await buildWorkspace(world.ctx.db);
    await request(world.app).get(`/reports/${march.id}`).set(bearer(other.adminKey)).expect(404);
  });
});

describe('GET /readyz schedules watchdog', () => {
  it('fails and names a schedule that has not fired within three intervals, until it fires again', async () => {
    clock.set('2026-04-01T06:00:00Z');
    await registerScheduleRuns(
      world.ctx.db,
      [{ id: 'report-tick', intervalSeconds: 900 }],
      clock.now(),
    );
    // Its job scheduler is in Redis, so only the staleness of its runs is in question.
    await ensureSchedules(world.ctx);
    clock.set('2026-04-01T06:45:00Z'); // exactly 3 intervals: still fine
    await request(world.app).get('/readyz').expect(200);
    clock.set('2026-04-01T06:45:01Z');
    const stale = await request(world.app).get('/readyz').expect(503);
    expect(stale.body.checks.schedules).toBe('not fired within 3 intervals: report-tick');
    await recordScheduleRun(world.ctx.db, 'report-tick', clock.now());
    const fine = await request(world.app).get('/readyz').expect(200);
    expect(fine.body.checks.schedules).toBe('ok');
  });
});
