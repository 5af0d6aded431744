import request from 'supertest';
import type { SurveyKind } from '../../../db/schema';
import type { Clock } from '../../../src/clock';
import { format, messagesFor } from '../../../src/surveys/i18n';
import type { Locale } from '../../../src/surveys/i18n';
import { scaleHint, scaleValues } from '../../../src/surveys/scales';
import { answerText, scoreLabel } from '../../../src/surveys/texts';
import { buildUser, signIn } from '../../support/dashboard-factories';
import { buildSentInvitation } from '../../support/collector-factories';
import { bearer, buildSurvey, buildWorkspace } from '../../support/factories';
import { createTestWorld } from '../../support/test-context';
import type { TestWorld } from '../../support/test-context';

/**
 * Each new kind end to end: a survey made and launched through the API, an email with its
 * one-click buttons, the real survey page (form POST), the rest of the answers imported, and
 * the score with its interval checked against the published vectors of docs/statistics.md
 * (../shared/STATISTICS.md §4.2, §7, §9) in the metrics API, /v1 and the monthly report.
 */

function manualClock(start: string): Clock & { set(iso: string): void } {
  let now = new Date(start);
  return { now: () => new Date(now), set: (iso) => (now = new Date(iso)) };
}

const clock = manualClock('2026-05-20T10:00:00Z');
let world: TestWorld;

beforeAll(async () => {
  world = await createTestWorld({ clock, env: { WEBHOOK_ALLOW_PRIVATE_URLS: 'true' } });
  world.startWorkers();
});
afterAll(async () => {
  await world.close();
});

const escapeHtml = (s: string) =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
const basic = (key: string) => ({
  Authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}`,
});

/** t(0.975, 999) from SciPy; the CES vector below checks it against the published interval. */
const T_999 = 1.9623414611334493;

/** mean ± t·s/√n computed here from the answers, per docs/statistics.md §7.2. */
function tInterval(counts: Record<number, number>) {
  const entries = Object.entries(counts).map(([k, v]) => [Number(k), v] as const);
  const n = entries.reduce((a, [, v]) => a + v, 0);
  const mean = entries.reduce((a, [k, v]) => a + k * v, 0) / n;
  const s = Math.sqrt(entries.reduce((a, [k, v]) => a + v * (k - mean) ** 2, 0) / (n - 1));
  const half = (T_999 * s) / Math.sqrt(n);
  return { n, mean, lower: mean - half, upper: mean + half };
}

interface Case {
  kind: SurveyKind;
  locale: Locale;
  /** Answers per score for the whole month; one of them is given on the survey page. */
  counts: Record<number, number>;
  pageScore: number;
  /** The published vector the headline must match. */
  expected: { score: number; lower: number; upper: number; digits: number };
  /** The top-box share of the mean kinds (Wilson), or PMF's reading against 40 %. */
  share?: { lower: number; upper: number };
  benchmark?: 'below' | 'above' | 'unclear';
  /** The report's printed figure, and its second line (share or the PMF line) if any. */
  printed: string;
  second?: string;
}

it('the t value used below reproduces the published CES interval [3.9613, 4.1987]', () => {
  const ces = tInterval({ 1: 80, 2: 210, 3: 140, 4: 110, 5: 160, 6: 180, 7: 120 });
  expect(ces.mean).toBeCloseTo(4.08, 9);
  expect(ces.lower).toBeCloseTo(3.9613, 4);
  expect(ces.upper).toBeCloseTo(4.1987, 4);
});

const stars = { 1: 100, 2: 240, 3: 200, 4: 260, 5: 200 };
const smileys = { 1: 120, 2: 180, 3: 240, 4: 300, 5: 160 };
const CASES: Case[] = [
  {
    // (D, P, C) = (40, 60, 100): NPS 0.30, adjusted Wald [0.188155, 0.402978] (§9).
    kind: 'enps',
    locale: 'en',
    counts: { 0: 10, 3: 10, 6: 20, 7: 30, 8: 30, 9: 50, 10: 50 },
    pageScore: 10,
    expected: { score: 30, lower: 18.8155, upper: 40.2978, digits: 3 },
    printed: '+30.0',
  },
  {
    // 460 of 1,000 give 4–5 stars: Wilson [42.93 %, 49.10 %] (§7.2).
    kind: 'stars',
    locale: 'hr',
    counts: stars,
    pageScore: 5,
    expected: { ...tInterval(stars), score: tInterval(stars).mean, digits: 9 },
    share: { lower: 42.93, upper: 49.1 },
    printed: '3.22',
    second: 'Share of 4–5: 46.0 % (42.9 % to 49.1 %)',
  },
  {
    kind: 'smileys',
    locale: 'sr-Cyrl',
    counts: smileys,
    pageScore: 4,
    expected: { ...tInterval(smileys), score: tInterval(smileys).mean, digits: 9 },
    share: { lower: 42.93, upper: 49.1 },
    printed: '3.20',
    second: 'Share of 4–5: 46.0 % (42.9 % to 49.1 %)',
  },
  {
    // 81 up of 263: Wilson [0.255289, 0.366210] (§7.1, §9).
    kind: 'thumbs',
    locale: 'vi',
    counts: { 0: 182, 1: 81 },
    pageScore: 1,
    expected: { score: (100 * 81) / 263, lower: 25.5289, upper: 36.621, digits: 3 },
    printed: '30.8 %',
  },
  {
    // 81 "very disappointed" of 263: the same Wilson interval, wholly below the 40 % line.
    kind: 'pmf',
    locale: 'sr-Latn',
    counts: { 1: 100, 2: 82, 3: 81 },
    pageScore: 3,
    expected: { score: (100 * 81) / 263, lower: 25.5289, upper: 36.621, digits: 3 },
    benchmark: 'below',
    printed: '30.8 %',
    second: 'Against the 40 % line: the whole interval is below it',
  },
];

describe.each(CASES)('a $kind survey', (c) => {
  it('goes from the API through the email and the survey page to its score, /v1 and the report', async () => {
    clock.set('2026-05-20T10:00:00Z');
    const db = world.ctx.db;
    const { workspace, adminKey } = await buildWorkspace(db, `Glas ${c.kind}`);
    await db
      .updateTable('workspaces')
      .set({ created_at: new Date('2026-01-01T00:00:00Z') })
      .where('id', '=', workspace.id)
      .execute();
    const m = messagesFor(c.locale);
    const values = scaleValues(c.kind);
    const [min, max] = [values[0]!, values.at(-1)!];

    // Arrange: the survey, a Delighted-format webhook, the Delighted survey setting.
    const survey = await request(world.app)
      .post('/api/surveys')
      .set(bearer(adminKey))
      .send({ kind: c.kind, name: `Kind ${c.kind}`, trigger: { eventType: `${c.kind}.done` } })
      .expect(201);
    expect(survey.body.kind).toBe(c.kind);
    const surveyId = survey.body.id as string;
    await request(world.app)
      .post(`/api/surveys/${surveyId}/launch`)
      .set(bearer(adminKey))
      .expect(200);
    await request(world.app)
      .post('/api/webhooks')
      .set(bearer(adminKey))
      .send({
        url: 'http://127.0.0.1:9/hook',
        format: 'delighted',
        events: ['survey_response.created', 'survey_response.updated'],
      })
      .expect(201);
    await request(world.app)
      .put('/api/delighted/settings')
      .set(bearer(adminKey))
      .send({ surveyId })
      .expect(200);

    // A score off the kind's scale is refused with the field named, on every way in.
    for (const bad of [min - 1, max + 1]) {
      const refused = await request(world.app)
        .post('/api/responses')
        .set(bearer(adminKey))
        .send({ responses: [{ surveyId, score: bad, createdAt: '2026-05-10T12:00:00Z' }] })
        .expect(400);
      expect(refused.body.error.details.map((d: { field: string }) => d.field)).toContain(
        'responses.0.score',
      );
      if (bad >= 0 && bad <= 10) {
        // Inside 0–10 the shape check passes and the kind's own scale names what is valid.
        expect(refused.body.error.details[0].issue).toContain(scaleHint(c.kind));
      }
    }

    // The email: one link per answer, each with its text name; glyphs hidden from readers.
    const before = world.smtp.inbox.length;
    await request(world.app)
      .post('/api/events')
      .set(bearer(adminKey))
      .send({
        type: `${c.kind}.done`,
        contact: { email: `${c.kind}@example.com`, locale: c.locale },
      })
      .expect(202);
    await world.relay();
    const mail = (await world.smtp.waitForMails(before + 1)).find(
      (x) => x.to[0] === `${c.kind}@example.com`,
    )!;
    expect(mail.parsed.subject).toBe(format(m.emailSubject[c.kind], { company: workspace.name }));
    const html = String(mail.parsed.html);
    expect(html).toContain(`lang="${c.locale}"`);
    expect(html).toContain(escapeHtml(format(m.question[c.kind], { company: workspace.name })));
    const footer = c.kind === 'enps' ? m.emailFooterEmployee : m.emailFooter;
    expect(html).toContain(escapeHtml(format(footer, { company: workspace.name })));
    const links = [...html.matchAll(/href="http:\/\/glas\.test(\/s\/[^"/]+)\/(\d+)"/g)];
    expect(links.map((l) => Number(l[2])).sort((a, b) => a - b)).toEqual(values);
    for (const v of values) {
      expect(html).toContain(escapeHtml(scoreLabel(c.kind, m, v)));
      expect(String(mail.parsed.text)).toContain(`${scoreLabel(c.kind, m, v)}: http://glas.test`);
    }
    if (c.kind !== 'enps' && c.kind !== 'pmf') {
      expect(html).toMatch(/<span aria-hidden="true"[^>]*>[^<]+<\/span>/);
    }
    const page = links[0]![1]!;

    // The survey page: one radio per answer named in the person's language, no script.
    const shown = await request(world.app).get(page).expect(200);
    expect(shown.text).toContain(`lang="${c.locale}"`);
    expect(shown.text).not.toMatch(/<script/i);
    for (const v of values) {
      expect(shown.text).toContain(`name="score" value="${v}"`);
      expect(shown.text).toContain(escapeHtml(scoreLabel(c.kind, m, v)));
    }
    const offScale = await request(world.app)
      .post(page)
      .type('form')
      .send({ score: String(max + 1) })
      .expect(400);
    expect(offScale.text).toContain(escapeHtml(m.invalidScoreTitle));
    const answered = await request(world.app)
      .post(page)
      .type('form')
      .send({ score: String(c.pageScore), comment: 'Sve je bilo u redu' })
      .expect(200);
    expect(answered.text).toContain(escapeHtml(m.commentSaved));
    expect(answered.text).toMatch(new RegExp(`value="${c.pageScore}" checked`));

    // The rest of the month's answers, imported with their dates.
    const rest = { ...c.counts, [c.pageScore]: c.counts[c.pageScore]! - 1 };
    const responses = Object.entries(rest).flatMap(([score, k]) =>
      Array.from({ length: k }, (_, i) => ({
        surveyId,
        score: Number(score),
        createdAt: new Date(Date.UTC(2026, 4, 4 + (i % 10), 12)).toISOString(),
      })),
    );
    await request(world.app)
      .post('/api/responses')
      .set(bearer(adminKey))
      .send({ responses })
      .expect(201);
    const n = Object.values(c.counts).reduce((a, b) => a + b, 0);

    // The score and its interval, against the published vector.
    const metrics = await request(world.app)
      .get(`/api/surveys/${surveyId}/metrics?since=2026-05-01&until=2026-05-31&interval=month`)
      .set(bearer(adminKey))
      .expect(200);
    const overall = metrics.body.overall;
    expect(metrics.body.kind).toBe(c.kind);
    expect(overall.n).toBe(n);
    expect(overall.score).toBeCloseTo(c.expected.score, c.expected.digits);
    expect(overall.interval.lower).toBeCloseTo(c.expected.lower, Math.min(c.expected.digits, 4));
    expect(overall.interval.upper).toBeCloseTo(c.expected.upper, Math.min(c.expected.digits, 4));
    if (c.share) {
      expect(overall.share.percent).toBeCloseTo(46, 9);
      expect(overall.share.interval.lower).toBeCloseTo(c.share.lower, 2);
      expect(overall.share.interval.upper).toBeCloseTo(c.share.upper, 2);
    }
    if (c.benchmark) {
      expect(overall.benchmark).toEqual({ percent: 40, verdict: c.benchmark });
    }
    const headline = await request(world.app)
      .get('/api/metrics?since=2026-05-01&until=2026-05-31')
      .set(bearer(adminKey))
      .expect(200);
    expect(headline.body.headline[c.kind].score).toBeCloseTo(c.expected.score, 6);

    // /v1: the response as Delighted's clients read it, the metrics, and a bad score.
    const v1 = await request(world.app)
      .get(`/v1/survey_responses?trend=${surveyId}&per_page=100&order=desc`)
      .set(basic(adminKey))
      .expect(200);
    const mine = (v1.body as { survey_type: string; score: number; comment: string | null }[]).find(
      (r) => r.comment === 'Sve je bilo u redu',
    )!;
    expect(mine).toMatchObject({ survey_type: c.kind, score: c.pageScore });
    const v1Metrics = await request(world.app)
      .get(
        `/v1/metrics?trend=${surveyId}&since=${Date.UTC(2026, 4, 1) / 1000}&until=${Date.UTC(2026, 4, 31, 12) / 1000}`,
      )
      .set(basic(adminKey))
      .expect(200);
    expect(v1Metrics.body.response_count).toBe(n);
    expect(v1Metrics.body.glas.survey_type).toBe(c.kind);
    expect(v1Metrics.body.glas.score).toBeCloseTo(c.expected.score, 6);
    if (c.kind === 'enps') {
      expect(v1Metrics.body).toMatchObject({
        nps: 30,
        promoter_count: 100,
        passive_count: 60,
        detractor_count: 40,
      });
    }
    const person = await request(world.app)
      .post('/v1/people')
      .set(basic(adminKey))
      .send({ email: `v1-${c.kind}@example.com`, send: false })
      .expect((r) => expect([200, 201]).toContain(r.status));
    const v1Bad = await request(world.app)
      .post('/v1/survey_responses')
      .set(basic(adminKey))
      .send({ person: person.body.id, score: max + 1 });
    expect(v1Bad.status).toBeGreaterThanOrEqual(400);
    expect(v1Bad.status).toBeLessThan(500);
    expect(JSON.stringify(v1Bad.body)).toContain('score');

    // The webhook carries Delighted's survey type and the score given on the page.
    const deliveries = await db
      .selectFrom('webhook_deliveries')
      .select('payload')
      .where('workspace_id', '=', workspace.id)
      .where('event', '=', 'survey_response.created')
      .execute();
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]!.payload).toMatchObject({
      event_data: { survey_type: c.kind, score: c.pageScore },
    });

    // The CSV export names the answer as well as its number.
    const csv = await request(world.app)
      .get(`/api/responses/export.csv?surveyId=${surveyId}`)
      .set(bearer(adminKey))
      .expect(200);
    const [header, ...lines] = csv.text.replace(/^\uFEFF/, '').split('\r\n');
    expect(header).toContain('survey_kind,score,score_label');
    const pageLine = lines.find((l) => l.includes('Sve je bilo u redu'))!;
    expect(pageLine).toContain(`${c.kind},${c.pageScore},`);
    expect(pageLine).toContain(scoreLabel(c.kind, messagesFor('en'), c.pageScore));

    // The monthly report: the same figure, in the JSON and on the page.
    clock.set('2026-06-15T12:00:00Z');
    const report = await request(world.app)
      .post('/api/reports')
      .set(bearer(adminKey))
      .send({ kind: 'monthly', periodStart: '2026-05-01' })
      .expect(201);
    const full = await request(world.app)
      .get(`/api/reports/${report.body.id}`)
      .set(bearer(adminKey))
      .expect(200);
    const section = (
      full.body.content.surveys as {
        surveyId: string;
        kind: string;
        cell: { n: number; score: number; interval: { lower: number; upper: number } };
      }[]
    ).find((s) => s.surveyId === surveyId)!;
    expect(section.kind).toBe(c.kind);
    expect(section.cell.n).toBe(n);
    expect(section.cell.score).toBeCloseTo(c.expected.score, 6);
    expect(section.cell.interval.lower).toBeCloseTo(c.expected.lower, 4);
    expect(section.cell.interval.upper).toBeCloseTo(c.expected.upper, 4);
    const web = new URL(report.body.webUrl as string);
    const pageHtml = await request(world.app).get(`${web.pathname}${web.search}`).expect(200);
    expect(pageHtml.text).toContain(c.printed);
    if (c.second) {
      expect(pageHtml.text).toContain(escapeHtml(c.second));
    }
    // The figure links to the responses behind it, each answer by its name.
    const evidence = /<a class="score" href="([^"]+)"/
      .exec(pageHtml.text)![1]!
      .replace(/&amp;/g, '&');
    const behind = await request(world.app)
      .get(
        new URL(evidence, 'http://glas.test').pathname +
          new URL(evidence, 'http://glas.test').search,
      )
      .expect(200);
    expect(behind.text).toContain(escapeHtml(answerText(c.kind, c.pageScore)));

    // The dashboard's survey page shows the same figures.
    const user = await buildUser(db, workspace.id, 'manager');
    const { agent } = await signIn(world.app, user.email);
    const dash = await agent.get(`/dashboard/surveys/${surveyId}`).expect(200);
    expect(dash.text).toMatch(/data-score="survey">[^<]+</);
    if (c.second) {
      expect(dash.text).toContain(escapeHtml(c.second));
    }
    const overview = await agent.get('/dashboard').expect(200);
    expect(overview.text).toContain(`data-score="${c.kind}"`);
    await agent.get(`/dashboard/surveys/${surveyId}/segments`).expect(200);
    await agent.get(`/dashboard/surveys/${surveyId}/themes`).expect(200);
    const live = await agent.get('/dashboard/reports/monthly/2026-05').expect(200);
    expect(live.text).toContain(c.printed);
  });
});

describe('POST /api/imports/delighted?type=responses&kind=…', () => {
  it('imports a Thumbs export into a "Delighted import" thumbs survey and names the off-scale row', async () => {
    clock.set('2026-06-15T12:00:00Z');
    const { adminKey } = await buildWorkspace(world.ctx.db);
    const csv = [
      'Response ID,Score,Comment,Response timestamp,Email,Name',
      '1,1,Great,2026-05-02T10:00:00Z,a@example.com,A',
      '2,0,Slow,2026-05-03T10:00:00Z,b@example.com,B',
      '3,2,Off the scale,2026-05-04T10:00:00Z,c@example.com,C',
    ].join('\n');
    const res = await request(world.app)
      .post('/api/imports/delighted?type=responses&kind=thumbs')
      .set(bearer(adminKey))
      .set('Content-Type', 'text/csv')
      .send(csv)
      .expect(200);
    expect(res.body).toMatchObject({ surveyCreated: true, newResponses: 2, errorCount: 1 });
    expect(res.body.errors[0]).toMatchObject({
      line: 4,
      reason: expect.stringMatching(/score 2 is outside 0–1 \(thumbs survey\)/),
    });
    const survey = await world.ctx.db
      .selectFrom('surveys')
      .select(['kind', 'name'])
      .where('id', '=', res.body.surveyId)
      .executeTakeFirstOrThrow();
    expect(survey).toEqual({ kind: 'thumbs', name: 'Delighted import' });

    const bad = await request(world.app)
      .post('/api/imports/delighted?type=responses&kind=hearts')
      .set(bearer(adminKey))
      .set('Content-Type', 'text/csv')
      .send(csv)
      .expect(400);
    expect(bad.body.error.details[0].field).toBe('kind');
  });
});

describe('GET /api/surveys/:id/metrics?compare=previous for the new kinds', () => {
  async function imported(kind: SurveyKind, months: Record<string, Record<number, number>>) {
    const { adminKey } = await buildWorkspace(world.ctx.db);
    const survey = await request(world.app)
      .post('/api/surveys')
      .set(bearer(adminKey))
      .send({ kind, name: `Compare ${kind}`, trigger: { eventType: 'x.done' } })
      .expect(201);
    const responses = Object.entries(months).flatMap(([month, counts]) =>
      Object.entries(counts).flatMap(([score, k]) =>
        Array.from({ length: k }, () => ({
          surveyId: survey.body.id as string,
          score: Number(score),
          createdAt: `${month}-10T12:00:00Z`,
        })),
      ),
    );
    await request(world.app)
      .post('/api/responses')
      .set(bearer(adminKey))
      .send({ responses })
      .expect(201);
    const metrics = await request(world.app)
      .get(
        `/api/surveys/${survey.body.id}/metrics?since=2026-04-01&until=2026-05-31&interval=month&compare=previous`,
      )
      .set(bearer(adminKey))
      .expect(200);
    return metrics.body.periods[1].overall.change;
  }

  it('tests an eNPS change with the published adjusted-Wald two-sample vector', async () => {
    clock.set('2026-06-15T12:00:00Z');
    // May (D, P, C) = (40, 60, 100) vs April (55, 65, 80): adjusted diff 0.172414,
    // SE 0.079000, p = 0.0290767 (docs/statistics.md §9); the raw difference is 17.5 points.
    const change = await imported('enps', {
      '2026-04': { 0: 55, 7: 65, 9: 80 },
      '2026-05': { 0: 40, 7: 60, 9: 100 },
    });
    expect(change.measure).toBe('npsPoints');
    expect(change.difference).toBeCloseTo(17.5, 9);
    expect(change.pValue).toBeCloseTo(0.0290767, 6);
    expect(change.interval.lower).toBeCloseTo(17.2414 - 1.959964 * 7.9, 1);
    expect(change.significant).toBe(true);
  });

  it('tests a thumbs change on the share of up with the pooled two-proportion z test', async () => {
    clock.set('2026-06-15T12:00:00Z');
    // 81 of 263 up in May vs 40 of 100 in April: −9.20 points, p = 0.09662 (SciPy norm.sf).
    const change = await imported('thumbs', {
      '2026-04': { 0: 60, 1: 40 },
      '2026-05': { 0: 182, 1: 81 },
    });
    expect(change.measure).toBe('thumbsUpPercent');
    expect(change.previousScore).toBeCloseTo(40, 9);
    expect(change.difference).toBeCloseTo(-9.201520912547528, 9);
    expect(change.pValue).toBeCloseTo(0.096620676808452, 6);
    expect(change.significant).toBe(false);
  });
});

describe('low scores of the new kinds open follow-up cases', () => {
  it.each<[SurveyKind, number, number]>([
    ['thumbs', 0, 1],
    ['stars', 2, 3],
    ['pmf', 1, 2],
  ])('%s: %i on the page opens a case, %i does not', async (kind, low, fine) => {
    clock.set('2026-05-20T10:00:00Z');
    const { workspace, adminKey } = await buildWorkspace(world.ctx.db);
    const survey = await buildSurvey(world.ctx.db, workspace.id, { kind });
    for (const score of [low, fine]) {
      const { token } = await buildSentInvitation(world.ctx.db, {
        workspaceId: workspace.id,
        surveyId: survey.id,
      });
      await request(world.app)
        .post(`/s/${token}`)
        .type('form')
        .send({ score: String(score) })
        .expect(200);
    }
    const cases = await request(world.app)
      .get(`/api/followups?surveyId=${survey.id}`)
      .set(bearer(adminKey))
      .expect(200);
    expect(cases.body.data).toHaveLength(1);
    expect(cases.body.data[0]).toMatchObject({ surveyKind: kind, score: low });

    // Staff read the answer by its name in the dashboard and the owner's alert.
    const user = await buildUser(world.ctx.db, workspace.id, 'manager');
    const { agent } = await signIn(world.app, user.email);
    const list = await agent.get(`/dashboard/responses?surveyId=${survey.id}`).expect(200);
    expect(list.text).toContain(escapeHtml(answerText(kind, low)));
    expect(list.text).toContain(escapeHtml(answerText(kind, fine)));
  });
});
