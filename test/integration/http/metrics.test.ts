import request from 'supertest';
import { compareNps, npsCountsFromScores, scoreNps } from '../../../src/scoring';
import {
  bearer,
  buildApiKey,
  buildResponse,
  buildSurvey,
  buildWorkspace,
} from '../../support/factories';
import { createTestWorld } from '../../support/test-context';
import type { TestWorld } from '../../support/test-context';

const NOW = new Date('2026-06-15T12:00:00Z');
let world: TestWorld;

beforeAll(async () => {
  world = await createTestWorld({ clock: { now: () => NOW } });
});
afterAll(async () => {
  await world.close();
});

async function setup(timeZone = 'UTC', kind: 'nps' | 'csat' | 'ces' = 'nps') {
  const { workspace, adminKey } = await buildWorkspace(world.ctx.db);
  await world.ctx.db
    .updateTable('workspaces')
    .set({ time_zone: timeZone })
    .where('id', '=', workspace.id)
    .execute();
  const survey = await buildSurvey(world.ctx.db, workspace.id, { kind });
  const add = (
    score: number,
    createdAt: string,
    segment: Record<string, string> = {},
    extra = {},
  ) =>
    buildResponse(world.ctx.db, {
      workspaceId: workspace.id,
      surveyId: survey.id,
      score,
      createdAt: new Date(createdAt),
      segment,
      ...extra,
    });
  return { workspace, adminKey, survey, add };
}

describe('GET /api/surveys/:id/metrics', () => {
  it('scores each month and segment, with the change vs the previous month and its test', async () => {
    const { adminKey, survey, add } = await setup();
    const april = [10, 10, 9, 9, 8, 7, 6, 3, 10, 9];
    const may = [6, 5, 4, 10, 8, 2, 9, 6, 0, 7];
    for (const [i, s] of april.entries())
      await add(s, `2026-04-${10 + i}T10:00:00Z`, { team: i % 2 ? 'billing' : 'support' });
    for (const [i, s] of may.entries())
      await add(s, `2026-05-${10 + i}T10:00:00Z`, { team: i % 2 ? 'billing' : 'support' });
    // Not counted: a flagged answer and a provisional one.
    await add(0, '2026-05-20T10:00:00Z', { team: 'billing' }, { flagged: true });
    await add(0, '2026-05-21T10:00:00Z', { team: 'billing' }, { status: 'provisional' });

    const res = await request(world.app)
      .get(`/api/surveys/${survey.id}/metrics`)
      .query({
        since: '2026-04-01',
        until: '2026-05-31',
        interval: 'month',
        segment: 'team',
        compare: 'previous',
      })
      .set(bearer(adminKey))
      .expect(200);

    expect(res.body.periods.map((p: { start: string; end: string }) => [p.start, p.end])).toEqual([
      ['2026-04-01', '2026-04-30'],
      ['2026-05-01', '2026-05-31'],
    ]);
    const [apr, mayPeriod] = res.body.periods;
    const expectedApr = scoreNps(npsCountsFromScores(april));
    const expectedMay = scoreNps(npsCountsFromScores(may));
    expect(apr.overall.n).toBe(10);
    expect(apr.overall.score).toBeCloseTo(expectedApr.npsPoints!, 9);
    expect(mayPeriod.overall.score).toBeCloseTo(expectedMay.npsPoints!, 9);
    expect(mayPeriod.overall.categories).toEqual({ promoters: 2, passives: 2, detractors: 6 });
    expect(mayPeriod.overall.tooFewResponses).toBe(true);
    expect(mayPeriod.overall.interval.lower).toBeCloseTo(expectedMay.interval!.lower, 9);

    const test = compareNps(npsCountsFromScores(may), npsCountsFromScores(april))!;
    expect(mayPeriod.overall.change).toMatchObject({
      comparedTo: '2026-04-01',
      measure: 'npsPoints',
      previousN: 10,
      significant: test.pValue < 0.05,
    });
    expect(mayPeriod.overall.change.pValue).toBeCloseTo(test.pValue, 9);
    expect(mayPeriod.overall.change.difference).toBeCloseTo(
      expectedMay.npsPoints! - expectedApr.npsPoints!,
      9,
    );

    const billingMay = mayPeriod.segments.find((s: { value: string }) => s.value === 'billing');
    expect(billingMay.n).toBe(5);
    expect(billingMay.score).toBeCloseTo(
      scoreNps(npsCountsFromScores(may.filter((_, i) => i % 2))).npsPoints!,
      9,
    );
    expect(res.body.overall.n).toBe(20);
    expect(res.body.nps).toMatchObject({ n: 20 });
    expect(res.body.trend).toBeNull(); // fewer than 3 periods
    expect(res.body.segmentTrends.map((t: { value: string }) => t.value)).toEqual([
      'billing',
      'support',
    ]);
  });

  it('puts period boundaries in the workspace time zone', async () => {
    const { adminKey, survey, add } = await setup('America/New_York');
    // 03:00 UTC on 1 February is still 31 January in New York.
    await add(10, '2026-02-01T03:00:00Z');
    await add(0, '2026-02-01T06:00:00Z');
    const res = await request(world.app)
      .get(`/api/surveys/${survey.id}/metrics`)
      .query({ since: '2026-01-01', until: '2026-02-28', interval: 'month' })
      .set(bearer(adminKey))
      .expect(200);
    expect(res.body.timeZone).toBe('America/New_York');
    expect(res.body.periods[0].overall.distribution[10]).toBe(1);
    expect(res.body.periods[1].overall.distribution[0]).toBe(1);
  });

  it('fits a trend over the periods and compares with the same month a year before', async () => {
    const { adminKey, survey, add } = await setup();
    const months = ['2026-01', '2026-02', '2026-03', '2026-04'];
    for (const [m, month] of months.entries()) {
      for (let i = 0; i < 10; i++) await add(i < 8 - 2 * m ? 10 : 0, `${month}-1${i}T10:00:00Z`);
    }
    await add(10, '2025-04-15T10:00:00Z');
    const res = await request(world.app)
      .get(`/api/surveys/${survey.id}/metrics`)
      .query({ since: '2026-01-01', until: '2026-04-30', compare: 'year' })
      .set(bearer(adminKey))
      .expect(200);
    expect(res.body.trend.slope).toBeLessThan(0);
    expect(res.body.trend.declining).toBe(true);
    expect(res.body.periods[3].overall.change).toMatchObject({
      comparedTo: '2025-04-01',
      previousN: 1,
    });
  });

  it('defaults to the last 12 months ending today in the workspace time zone', async () => {
    const { adminKey, survey } = await setup();
    const res = await request(world.app)
      .get(`/api/surveys/${survey.id}/metrics`)
      .set(bearer(adminKey))
      .expect(200);
    expect(res.body.periods).toHaveLength(12);
    expect(res.body.since).toBe('2025-07-01');
    expect(res.body.until).toBe('2026-06-15');
    expect(res.body.overall).toMatchObject({ n: 0, score: null, interval: null });
  });

  it('scores CSAT and CES surveys on their own scales', async () => {
    const csat = await setup('UTC', 'csat');
    for (const s of [5, 4, 4, 2, 1]) await csat.add(s, '2026-06-01T10:00:00Z');
    const c = await request(world.app)
      .get(`/api/surveys/${csat.survey.id}/metrics`)
      .query({ since: '2026-06-01', until: '2026-06-30' })
      .set(bearer(csat.adminKey))
      .expect(200);
    expect(c.body.overall).toMatchObject({
      n: 5,
      score: 60,
      categories: { satisfied: 3, notSatisfied: 2 },
    });
    expect(c.body.nps).toBeUndefined();

    const ces = await setup('UTC', 'ces');
    for (const s of [7, 6, 5, 4, 1]) await ces.add(s, '2026-06-01T10:00:00Z');
    const e = await request(world.app)
      .get(`/api/surveys/${ces.survey.id}/metrics`)
      .query({ since: '2026-06-01', until: '2026-06-30' })
      .set(bearer(ces.adminKey))
      .expect(200);
    expect(e.body.overall).toMatchObject({
      n: 5,
      score: 4.6,
      categories: { agree: 3, neutral: 1, disagree: 1 },
    });
  });

  it.each([
    [{ interval: 'year' }, 'interval'],
    [{ since: '2026-13-01' }, 'since'],
    [{ since: '2026-05-01', until: '2026-04-01' }, 'since'],
    [{ segment: 'a b' }, 'segment'],
    [{ compare: 'yesterday' }, 'compare'],
    [{ confidence: '2' }, 'confidence'],
    [{ surprise: '1' }, 'surprise'],
  ])('rejects %j with 400 naming %s', async (query, field) => {
    const { adminKey, survey } = await setup();
    const res = await request(world.app)
      .get(`/api/surveys/${survey.id}/metrics`)
      .query(query)
      .set(bearer(adminKey))
      .expect(400);
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
  });

  it("answers 404 for another workspace's survey", async () => {
    const mine = await setup();
    const theirs = await setup();
    await request(world.app)
      .get(`/api/surveys/${theirs.survey.id}/metrics`)
      .set(bearer(mine.adminKey))
      .expect(404);
    await request(world.app)
      .post(`/api/surveys/${theirs.survey.id}/rollups/rebuild`)
      .set(bearer(mine.adminKey))
      .expect(404);
  });

  it('rebuilds rollups on demand for admins only, keeping the numbers', async () => {
    const { workspace, adminKey, survey, add } = await setup();
    for (const s of [10, 9, 3]) await add(s, '2026-06-01T10:00:00Z', { team: 'a' });
    const before = await request(world.app)
      .get(`/api/surveys/${survey.id}/metrics`)
      .set(bearer(adminKey))
      .expect(200);
    const manager = await buildApiKey(world.ctx.db, workspace.id, 'manager');
    await request(world.app)
      .post(`/api/surveys/${survey.id}/rollups/rebuild`)
      .set(bearer(manager))
      .expect(403);
    const rebuilt = await request(world.app)
      .post(`/api/surveys/${survey.id}/rollups/rebuild`)
      .set(bearer(adminKey))
      .expect(200);
    expect(rebuilt.body).toEqual({ surveyId: survey.id, rollupRows: 2 });
    const after = await request(world.app)
      .get(`/api/surveys/${survey.id}/metrics`)
      .set(bearer(adminKey))
      .expect(200);
    expect(after.body.overall).toEqual(before.body.overall);
  });
});

describe('GET /api/metrics', () => {
  it('gives headline NPS, CSAT and CES across the surveys of the workspace only', async () => {
    const { workspace, adminKey, add } = await setup();
    const csat = await buildSurvey(world.ctx.db, workspace.id, { kind: 'csat' });
    for (const s of [10, 10, 0]) await add(s, '2026-06-10T10:00:00Z');
    await buildResponse(world.ctx.db, {
      workspaceId: workspace.id,
      surveyId: csat.id,
      score: 5,
      createdAt: new Date('2026-06-10T10:00:00Z'),
    });
    const other = await setup();
    await other.add(0, '2026-06-10T10:00:00Z');

    const res = await request(world.app).get('/api/metrics').set(bearer(adminKey)).expect(200);
    expect(res.body).toMatchObject({ since: '2026-05-17', until: '2026-06-15' });
    expect(res.body.headline.nps).toMatchObject({ n: 3 });
    expect(res.body.headline.nps.score).toBeCloseTo(100 / 3, 9);
    expect(res.body.headline.csat).toMatchObject({ n: 1, score: 100 });
    expect(res.body.headline.ces).toBeNull();
    expect(res.body.surveys).toHaveLength(2);
  });
});
