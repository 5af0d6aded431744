import type { Kysely } from 'kysely';
import request from 'supertest';
import type { Database, UserRole } from '../../../db/schema';
import { startSession } from '../../../src/workspaces/session.service';
import { AREAS } from '../../../src/http/dashboard/access';
import { createDashboard } from '../../../src/http/dashboard';
import type { RouteDecl } from '../../../src/http/dashboard/kit';
import { createAction } from '../../../src/reports/action.service';
import { requestReport } from '../../../src/reports/report.service';
import { saveThemeOverride } from '../../../src/analytics/themes.service';
import { createApiKey } from '../../../src/workspaces/api-key.service';
import { buildResponse, buildSurvey, buildWorkspace } from '../../support/factories';
import { buildSentInvitation } from '../../support/collector-factories';
import { buildUser } from '../../support/dashboard-factories';
import { anchoredClock, createTestWorld } from '../../support/test-context';
import type { TestWorld } from '../../support/test-context';

let world: TestWorld;
const ROUTES: RouteDecl[] = [];

beforeAll(async () => {
  world = await createTestWorld({
    env: { WEBHOOK_ALLOW_PRIVATE_URLS: 'true' },
    clock: anchoredClock(),
  });
  ROUTES.push(...createDashboard(world.ctx).routes);
});

afterAll(async () => {
  await world.close();
});

interface Fixture {
  workspaceId: string;
  surveyId: string;
  responseId: string;
  keyId: string;
  webhookId: string;
  actionId: string;
  overrideId: string;
  reportId: string;
  unknownSendId: string;
}

async function fixture(db: Kysely<Database>): Promise<Fixture> {
  const { workspace } = await buildWorkspace(db);
  const survey = await buildSurvey(db, workspace.id, { status: 'draft' });
  const response = await buildResponse(db, {
    workspaceId: workspace.id,
    surveyId: survey.id,
    score: 3,
  });
  const key = await createApiKey(db, workspace.id, { name: 'k', role: 'ingest' });
  const webhook = await db
    .insertInto('webhooks')
    .values({
      workspace_id: workspace.id,
      url: 'https://example.com/hook',
      events: JSON.stringify(['response.created']),
      secret: 'whsec_x',
    } as never)
    .returning('id')
    .executeTakeFirstOrThrow();
  const action = await createAction(db, world.ctx.clock, workspace.id, {
    surveyId: survey.id,
    title: 'Call back detractors',
    status: 'open',
    target: { type: 'survey' },
  });
  const { override } = await saveThemeOverride(
    db,
    workspace.id,
    survey,
    { kind: 'pin', themeKey: 'delivery' },
    world.ctx.clock.now(),
  );
  const { report } = await requestReport(world.ctx, workspace.id, {
    kind: 'weekly',
    periodStart: '2026-01-05',
    deliver: false,
  });
  const { invitation } = await buildSentInvitation(db, {
    workspaceId: workspace.id,
    surveyId: survey.id,
  });
  await db
    .updateTable('invitations')
    .set({ status: 'send_unknown', handed_at: new Date(), message_id: '<m@glas.test>' })
    .where('id', '=', invitation.id)
    .execute();
  return {
    workspaceId: workspace.id,
    surveyId: survey.id,
    unknownSendId: invitation.id,
    responseId: response.id,
    keyId: key.id,
    webhookId: webhook.id,
    actionId: action.id,
    overrideId: override.id,
    reportId: report.id,
  };
}

/** A session made directly (no argon2 round), returned as a cookie header and its CSRF token. */
async function sessionFor(db: Kysely<Database>, workspaceId: string, role: UserRole) {
  const user = await buildUser(db, workspaceId, role);
  const { token } = await startSession(
    db,
    world.ctx.clock,
    { idleMinutes: 60, absoluteHours: 1 },
    {
      id: user.id,
      workspace_id: workspaceId,
    },
  );
  const row = await db
    .selectFrom('sessions')
    .select('csrf_token')
    .where('user_id', '=', user.id)
    .executeTakeFirstOrThrow();
  return { cookie: `glas_session=${token}`, csrf: row.csrf_token, userId: user.id };
}

function idFor(route: RouteDecl, f: Fixture): string {
  if (route.path.startsWith('/reports/')) {
    return f.reportId;
  }
  const byArea: Partial<Record<RouteDecl['area'], string>> = {
    responses: f.responseId,
    apiKeys: f.keyId,
    settings: f.webhookId,
    actions: f.actionId,
    deliveries: f.unknownSendId,
  };
  return byArea[route.area] ?? f.surveyId;
}

function pathFor(route: RouteDecl, f: Fixture): string {
  return (
    `/dashboard${route.path}`
      .replace(':overrideId', f.overrideId)
      .replace(':id', idFor(route, f))
      .replace(':part', 'email')
      .replace(':month', '2026-11')
      .replace(/\/$/, '') || '/dashboard'
  );
}

/** Rows a refused request must leave untouched. */
async function snapshot(db: Kysely<Database>, workspaceId: string) {
  const [
    surveys,
    responses,
    keys,
    users,
    webhooks,
    sessions,
    actions,
    overrides,
    reports,
    ws,
    invitations,
    metricAlerts,
    chatAlerts,
  ] = await Promise.all([
    db
      .selectFrom('surveys')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .orderBy('id')
      .execute(),
    db
      .selectFrom('responses')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .orderBy('id')
      .execute(),
    db
      .selectFrom('api_keys')
      .select(['id', 'revoked_at'])
      .where('workspace_id', '=', workspaceId)
      .orderBy('id')
      .execute(),
    db
      .selectFrom('users')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .orderBy('id')
      .execute(),
    db
      .selectFrom('webhooks')
      .select('id')
      .where('workspace_id', '=', workspaceId)
      .orderBy('id')
      .execute(),
    db
      .selectFrom('sessions')
      .select('id')
      .where('workspace_id', '=', workspaceId)
      .orderBy('id')
      .execute(),
    db
      .selectFrom('improvement_actions')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .orderBy('id')
      .execute(),
    db
      .selectFrom('theme_overrides')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .orderBy('id')
      .execute(),
    db
      .selectFrom('reports')
      .select('id')
      .where('workspace_id', '=', workspaceId)
      .orderBy('id')
      .execute(),
    db.selectFrom('workspaces').selectAll().where('id', '=', workspaceId).execute(),
    db
      .selectFrom('invitations')
      .select(['id', 'status'])
      .where('workspace_id', '=', workspaceId)
      .orderBy('id')
      .execute(),
    db
      .selectFrom('metric_alert_rules')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .orderBy('id')
      .execute(),
    db
      .selectFrom('chat_alert_rules')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .orderBy('id')
      .execute(),
  ]);
  return JSON.stringify({
    surveys,
    responses,
    keys,
    users,
    webhooks,
    sessions,
    actions,
    overrides,
    reports,
    ws,
    invitations,
    metricAlerts,
    chatAlerts,
  });
}

describe('dashboard role matrix', () => {
  it('declares every area for at least admin, and executives only overview, reports and their account', () => {
    expect(ROUTES.length).toBeGreaterThan(20);
    for (const route of ROUTES) {
      expect(route.area === 'public' || route.area in AREAS).toBe(true);
    }
    const executiveAreas = Object.entries(AREAS)
      .filter(([, roles]) => (roles as readonly string[]).includes('executive'))
      .map(([a]) => a)
      .sort();
    expect(executiveAreas).toEqual(['account', 'overview', 'reports']);
  });

  for (const role of ['admin', 'manager', 'executive'] as const) {
    it(`gives ${role} the declared answer on every route, and refusals change nothing`, async () => {
      const routes = ROUTES.filter((r) => r.area !== 'public' && r.path !== '/sign-out');
      for (const route of routes) {
        const f = await fixture(world.ctx.db);
        const s = await sessionFor(world.ctx.db, f.workspaceId, role);
        const path = pathFor(route, f);
        const allowed = (AREAS[route.area as keyof typeof AREAS] as readonly string[]).includes(
          role,
        );
        const before = await snapshot(world.ctx.db, f.workspaceId);
        const res =
          route.method === 'get'
            ? await request(world.app).get(path).set('Cookie', s.cookie)
            : await request(world.app)
                .post(path)
                .set('Cookie', s.cookie)
                .type('form')
                .send({ _csrf: s.csrf });
        const label = `${role} ${route.method.toUpperCase()} ${route.path} → ${res.status}`;
        if (allowed) {
          expect({ label, ok: res.status !== 403 && res.status < 500 }).toEqual({
            label,
            ok: true,
          });
        } else {
          expect({ label, status: res.status }).toEqual({ label, status: 403 });
          expect(await snapshot(world.ctx.db, f.workspaceId)).toBe(before);
        }
      }
    }, 180_000);
  }

  it('sends people who are not signed in to the sign-in page, and refuses their posts', async () => {
    const f = await fixture(world.ctx.db);
    for (const route of ROUTES.filter((r) => r.area !== 'public')) {
      const path = pathFor(route, f);
      const res =
        route.method === 'get'
          ? await request(world.app).get(path)
          : await request(world.app).post(path).type('form').send({});
      const label = `${route.method} ${route.path}`;
      expect({ label, status: res.status }).toEqual({
        label,
        status: route.method === 'get' ? 303 : 401,
      });
    }
  });
});

describe('dashboard CSRF', () => {
  const hostile: {
    name: string;
    headers: Record<string, string>;
    token: 'good' | 'none' | 'wrong';
  }[] = [
    {
      name: 'Sec-Fetch-Site: cross-site',
      headers: { 'Sec-Fetch-Site': 'cross-site' },
      token: 'good',
    },
    {
      name: 'Sec-Fetch-Site: same-site',
      headers: { 'Sec-Fetch-Site': 'same-site' },
      token: 'good',
    },
    { name: 'a foreign Origin', headers: { Origin: 'https://evil.example' }, token: 'good' },
    { name: 'a foreign Referer', headers: { Referer: 'https://evil.example/page' }, token: 'good' },
    { name: 'no token', headers: {}, token: 'none' },
    { name: 'a wrong token', headers: {}, token: 'wrong' },
  ];

  it('refuses every state-changing route with 403 and changes nothing', async () => {
    const posts = ROUTES.filter((r) => r.method === 'post');
    expect(posts.length).toBeGreaterThan(10);
    for (const route of posts) {
      // Every hostile variant must leave the fixture unchanged, so they can share one.
      const f = await fixture(world.ctx.db);
      const s = await sessionFor(world.ctx.db, f.workspaceId, 'admin');
      const before = await snapshot(world.ctx.db, f.workspaceId);
      for (const h of hostile) {
        const token =
          h.token === 'good' ? s.csrf : h.token === 'wrong' ? 'x'.repeat(s.csrf.length) : undefined;
        const res = await request(world.app)
          .post(pathFor(route, f))
          .set('Cookie', s.cookie)
          .set(h.headers)
          .type('form')
          .send({
            ...(token ? { _csrf: token } : {}),
            email: 'a@b.c',
            password: 'x',
            name: 'n',
            role: 'admin',
            flagged: 'true',
          });
        const label = `${route.path} with ${h.name}`;
        expect({ label, status: res.status }).toEqual({ label, status: 403 });
        expect(await snapshot(world.ctx.db, f.workspaceId)).toBe(before);
      }
    }
  }, 180_000);

  it('accepts the same request from the dashboard itself', async () => {
    const f = await fixture(world.ctx.db);
    const s = await sessionFor(world.ctx.db, f.workspaceId, 'manager');
    await request(world.app)
      .post(`/dashboard/surveys/${f.surveyId}/launch`)
      .set('Cookie', s.cookie)
      .set({ 'Sec-Fetch-Site': 'same-origin', Origin: 'http://glas.test' })
      .type('form')
      .send({ _csrf: s.csrf })
      .expect(303);
    const row = await world.ctx.db
      .selectFrom('surveys')
      .select('status')
      .where('id', '=', f.surveyId)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('active');
  });
});
