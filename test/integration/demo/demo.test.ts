import { sql } from 'kysely';
import request from 'supertest';
import { createDemoIfEmpty, createDemoWorkspace } from '../../../src/demo/demo.service';
import type { DemoResult } from '../../../src/demo/demo.service';
import { planDemo } from '../../../src/demo/plan';
import { createLogger } from '../../../src/logger';
import { anchoredClock, createTestWorld } from '../../support/test-context';
import type { TestWorld } from '../../support/test-context';

const NOW = '2026-11-20T12:00:00Z';

let world: TestWorld;
let demo: DemoResult;

const deps = () => ({
  db: world.ctx.db,
  config: world.ctx.config,
  hashEmail: world.ctx.hashEmail,
  logger: createLogger('silent'),
  now: new Date(NOW),
});

const api = (path: string, key = demo.apiKey) =>
  request(world.app).get(path).set('Authorization', `Bearer ${key}`);

beforeAll(async () => {
  world = await createTestWorld({ clock: anchoredClock(NOW) });
  demo = await createDemoWorkspace(deps(), { password: 'demo passphrase' });
}, 240_000);

afterAll(async () => {
  await world?.close();
});

describe('glas demo', () => {
  it('lives the last months through events, sends and answers, with imported months before', async () => {
    const c = demo.counts;
    expect(c.invitations).toBeGreaterThan(1000);
    expect(c.sent + c.unknown).toBe(c.invitations - c.skipped);
    expect(c.unknown).toBe(2);
    expect(c.responses).toBeGreaterThan(400);
    expect(c.imported).toBeGreaterThan(1000);
    const months = await sql<{ n: number }>`
      select count(distinct date_trunc('month', created_at))::int as n from responses
      where workspace_id = ${demo.workspace.id}`.execute(world.ctx.db);
    expect(months.rows[0]!.n).toBeGreaterThanOrEqual(12);
    const answered = await world.ctx.db
      .selectFrom('invitations')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('workspace_id', '=', demo.workspace.id)
      .where('answered_at', 'is not', null)
      .executeTakeFirstOrThrow();
    expect(Number(answered.n)).toBe(c.responses);
  });

  it('has customers and comments in all five languages', async () => {
    const rows = await world.ctx.db
      .selectFrom('responses')
      .select(['locale', (eb) => eb.fn.countAll<string>().as('n')])
      .where('workspace_id', '=', demo.workspace.id)
      .where('comment', 'is not', null)
      .groupBy('locale')
      .execute();
    const byLocale = Object.fromEntries(rows.map((r) => [r.locale, Number(r.n)]));
    for (const locale of ['en', 'hr', 'sr-Latn', 'sr-Cyrl', 'vi']) {
      expect(byLocale[locale]).toBeGreaterThan(50);
    }
  });

  it('scores every survey within sane ranges', async () => {
    const res = await api('/api/metrics').expect(200);
    const { nps, csat, ces } = res.body.headline;
    expect(nps.score).toBeGreaterThan(-20);
    expect(nps.score).toBeLessThan(70);
    expect(csat.score).toBeGreaterThan(55);
    expect(csat.score).toBeLessThan(97);
    expect(ces.score).toBeGreaterThan(3.5);
    expect(ces.score).toBeLessThan(6.5);
  });

  it('segments by region, plan, team and agent', async () => {
    const nps = demo.surveys.find((s) => s.kind === 'nps')!;
    for (const [segment, value] of [
      ['region', 'Vietnam'],
      ['plan', 'enterprise'],
      ['team', 'billing'],
      ['agent', 'Maja'],
    ]) {
      const res = await api(
        `/api/surveys/${nps.id}/metrics?interval=quarter&segment=${segment}`,
      ).expect(200);
      const values = res.body.periods.flatMap((p: { segments: { value: string }[] }) =>
        p.segments.map((s) => s.value),
      );
      expect(values).toContain(value);
    }
  });

  it('finds comment themes in the NPS and CSAT surveys', async () => {
    for (const kind of ['nps', 'csat'] as const) {
      const survey = demo.surveys.find((s) => s.kind === kind)!;
      const res = await api(
        `/api/surveys/${survey.id}/themes?since=2026-08-01&until=2026-11-19`,
      ).expect(200);
      expect(res.body.themes.length).toBeGreaterThanOrEqual(4);
    }
  });

  it('leaves follow-up cases in every state, some of them overdue', async () => {
    for (const status of ['open', 'contacted', 'resolved']) {
      const res = await api(`/api/followups?status=${status}&limit=5`).expect(200);
      expect(res.body.data.length).toBeGreaterThan(0);
      expect(res.body.data[0].owner).not.toBeNull();
    }
    const overdue = await api('/api/followups?overdue=true&limit=5').expect(200);
    expect(overdue.body.data.length).toBeGreaterThan(0);
    const alerted = await world.ctx.db
      .selectFrom('followup_cases')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('workspace_id', '=', demo.workspace.id)
      .where('alert_sent_at', 'is', null)
      .executeTakeFirstOrThrow();
    expect(Number(alerted.n)).toBe(0);
  });

  it('measures the effect of improvement actions, one of them significant', async () => {
    const res = await api('/api/actions').expect(200);
    expect(res.body.data).toHaveLength(5);
    const statuses = new Set(res.body.data.map((a: { status: string }) => a.status));
    expect([...statuses].sort()).toEqual(['done', 'dropped', 'in_progress', 'open']);
    const significant = res.body.data.filter(
      (a: { effect: { change: { significant: boolean } | null } }) => a.effect.change?.significant,
    );
    expect(significant.length).toBeGreaterThan(0);
  });

  it('stores twelve monthly and eight weekly reports', async () => {
    const monthly = await api('/api/reports?kind=monthly&limit=100').expect(200);
    const weekly = await api('/api/reports?kind=weekly&limit=100').expect(200);
    expect(monthly.body.data).toHaveLength(12);
    expect(weekly.body.data).toHaveLength(8);
    expect(monthly.body.data.map((r: { periodStart: string }) => r.periodStart)).toContain(
      '2026-10-01',
    );
  });

  it('signs in on the dashboard as the printed users', async () => {
    expect(demo.users.map((u) => u.role)).toEqual(['admin', 'manager', 'executive']);
    const agent = request.agent(world.app);
    const page = await agent.get('/dashboard/sign-in').expect(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1];
    await agent
      .post('/dashboard/sign-in')
      .type('form')
      .send({ _csrf: csrf, email: demo.users[1]!.email, password: 'demo passphrase' })
      .expect(303);
  });

  it('adds no demo for GLAS_DEMO once a workspace exists', async () => {
    const before = await world.ctx.db.selectFrom('workspaces').select('id').execute();
    expect(await createDemoIfEmpty(deps())).toBeNull();
    const after = await world.ctx.db.selectFrom('workspaces').select('id').execute();
    expect(after).toHaveLength(before.length);
  });

  it('leaves two sends with an unknown outcome for the Deliveries page', async () => {
    const unknown = await world.ctx.db
      .selectFrom('invitations')
      .select('id')
      .where('workspace_id', '=', demo.workspace.id)
      .where('status', '=', 'send_unknown')
      .execute();
    expect(unknown).toHaveLength(2);
  });

  it('is the same history for the same seed', async () => {
    expect(planDemo(7, new Date(NOW), { days: 40 })).toEqual(
      planDemo(7, new Date(NOW), { days: 40 }),
    );
    expect(planDemo(7, new Date(NOW), { days: 40 })).not.toEqual(
      planDemo(8, new Date(NOW), { days: 40 }),
    );
    const small = { seed: 7, days: 40, liveDays: 20, volume: 0.5, contacts: 400 };
    const runs = [
      await createDemoWorkspace(deps(), { ...small, emailDomain: 'one.example' }),
      await createDemoWorkspace(deps(), { ...small, emailDomain: 'two.example' }),
    ];
    const series = await Promise.all(
      runs.map(async (run) =>
        Promise.all(
          run.surveys.map(async (s) => {
            const res = await api(`/api/surveys/${s.id}/metrics?interval=week`, run.apiKey);
            return res.body.periods.map((p: { overall: { n: number; score: number } }) => [
              p.overall.n,
              p.overall.score,
            ]);
          }),
        ),
      ),
    );
    expect(series[0]).toEqual(series[1]);
    expect(runs[0]!.counts).toEqual(runs[1]!.counts);
  }, 120_000);
});
