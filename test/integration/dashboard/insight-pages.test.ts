import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema';
import {
  rebuildRequestedRollups,
  rebuildSurveyRollups,
} from '../../../src/analytics/rollup.service';
import { buildResponse, buildSurvey, buildWorkspace } from '../../support/factories';
import { buildUser, signIn } from '../../support/dashboard-factories';
import { anchoredClock, createTestWorld } from '../../support/test-context';
import type { TestWorld } from '../../support/test-context';

let world: TestWorld;

beforeAll(async () => {
  world = await createTestWorld({ clock: anchoredClock() });
});

afterAll(async () => {
  await world.close();
});

/** An NPS survey with a `plan` segment: `pro` answers 9–10, `free` answers 0–6, with comments. */
async function surveyWithSegments(db: Kysely<Database>) {
  const { workspace } = await buildWorkspace(db);
  const survey = await buildSurvey(db, workspace.id, { kind: 'nps', status: 'active' });
  await db
    .updateTable('surveys')
    .set({ segment_properties: JSON.stringify(['plan']) })
    .where('id', '=', survey.id)
    .execute();
  const now = world.ctx.clock.now();
  for (let i = 0; i < 70; i++) {
    const pro = i % 2 === 0;
    const row = await buildResponse(db, {
      workspaceId: workspace.id,
      surveyId: survey.id,
      score: pro ? 9 + (i % 4 === 0 ? 1 : 0) : i % 7,
      segment: { plan: pro ? 'pro' : 'free' },
      createdAt: new Date(now.getTime() - (i + 1) * 60_000),
    });
    await db
      .updateTable('responses')
      .set({ comment: pro ? 'Great support team, fast answers' : 'Delivery was late again' })
      .where('id', '=', row.id)
      .execute();
  }
  await rebuildSurveyRollups(db, workspace.id, survey.id);
  return { workspace, survey };
}

async function signedIn(workspaceId: string, role: 'admin' | 'manager' | 'executive') {
  const user = await buildUser(world.ctx.db, workspaceId, role);
  return signIn(world.app, user.email);
}

describe('GET /dashboard/surveys/:id/segments', () => {
  it('shows a score per segment value with its interval and marks the significant difference from the rest', async () => {
    const { workspace, survey } = await surveyWithSegments(world.ctx.db);
    const { agent } = await signedIn(workspace.id, 'manager');

    const res = await agent
      .get(`/dashboard/surveys/${survey.id}/segments?property=plan`)
      .expect(200);

    expect(res.text).toContain('data-segment="pro"');
    expect(res.text).toContain('data-segment="free"');
    expect(res.text).toContain('data-vs-rest="higher"');
    expect(res.text).toContain('data-vs-rest="lower"');
    expect(res.text).toContain('<img src="data:image/svg+xml;base64,');
    expect(res.text).toContain('targetType=segment');
  });

  it('lists the surveys from the navigation entry', async () => {
    const { workspace, survey } = await surveyWithSegments(world.ctx.db);
    const { agent } = await signedIn(workspace.id, 'admin');
    const res = await agent.get('/dashboard/segments').expect(200);
    expect(res.text).toContain(`/dashboard/surveys/${survey.id}/themes`);
  });
});

describe('dashboard themes', () => {
  it('shows themes with volume, score and quotes, and renames, pins and undoes through the override service', async () => {
    const { workspace, survey } = await surveyWithSegments(world.ctx.db);
    const { agent, csrf } = await signedIn(workspace.id, 'manager');
    const page = await agent.get(`/dashboard/surveys/${survey.id}/themes`).expect(200);
    const key = /data-theme="([^"]+)"/.exec(page.text)?.[1];
    expect(key).toBeDefined();
    expect(page.text).toContain('Volume <strong>');

    await agent
      .post(`/dashboard/surveys/${survey.id}/themes`)
      .type('form')
      .send({ _csrf: csrf, kind: 'rename', themeKey: key, label: 'Support <quality>' })
      .expect(303);
    await agent
      .post(`/dashboard/surveys/${survey.id}/themes`)
      .type('form')
      .send({ _csrf: csrf, kind: 'pin', themeKey: key })
      .expect(303);
    const after = await agent.get(`/dashboard/surveys/${survey.id}/themes`).expect(200);

    expect(after.text).toContain('Support &lt;quality&gt;');
    expect(after.text).toContain('pinned');
    const rows = await world.ctx.db
      .selectFrom('theme_overrides')
      .select(['id', 'kind'])
      .where('survey_id', '=', survey.id)
      .execute();
    expect(rows.map((r) => r.kind).sort()).toEqual(['pin', 'rename']);
    await agent
      .post(`/dashboard/surveys/${survey.id}/themes/overrides/${rows[0]!.id}/delete`)
      .type('form')
      .send({ _csrf: csrf })
      .expect(303);
    const left = await world.ctx.db
      .selectFrom('theme_overrides')
      .select('id')
      .where('survey_id', '=', survey.id)
      .execute();
    expect(left).toHaveLength(1);
  });

  it('shows an empty new name as an error next to the field', async () => {
    const { workspace, survey } = await surveyWithSegments(world.ctx.db);
    const { agent, csrf } = await signedIn(workspace.id, 'manager');
    const page = await agent.get(`/dashboard/surveys/${survey.id}/themes`);
    const key = /data-theme="([^"]+)"/.exec(page.text)![1];
    const res = await agent
      .post(`/dashboard/surveys/${survey.id}/themes`)
      .type('form')
      .send({ _csrf: csrf, kind: 'rename', themeKey: key, label: ' ' })
      .expect(400);
    expect(res.text).toMatch(/aria-invalid="true"[^>]*aria-describedby="rename-\d+-note"/);
  });

  it('refuses executives with 403', async () => {
    const { workspace, survey } = await surveyWithSegments(world.ctx.db);
    const { agent } = await signedIn(workspace.id, 'executive');
    await agent.get(`/dashboard/surveys/${survey.id}/themes`).expect(403);
    await agent.get(`/dashboard/surveys/${survey.id}/segments`).expect(403);
  });
});

describe('dashboard improvement actions', () => {
  it('creates an action from a segment row, shows it in its column, edits it and marks it overdue', async () => {
    const { workspace, survey } = await surveyWithSegments(world.ctx.db);
    const { agent, csrf } = await signedIn(workspace.id, 'manager');
    const form = await agent
      .get(`/dashboard/actions?surveyId=${survey.id}&targetType=segment&property=plan&value=free`)
      .expect(200);
    expect(form.text).toMatch(/name="property" type="text" value="plan"/);

    const created = await agent
      .post('/dashboard/actions')
      .type('form')
      .send({
        _csrf: csrf,
        surveyId: survey.id,
        title: 'Call free-plan detractors',
        ownerName: 'Ana',
        ownerEmail: 'ana@example.com',
        dueDate: '2020-01-31',
        status: 'open',
        targetType: 'segment',
        property: 'plan',
        value: 'free',
      })
      .expect(303);
    const id = /\/dashboard\/actions\/([0-9a-f-]{36})/.exec(created.headers.location!)![1]!;
    const board = await agent.get('/dashboard/actions').expect(200);
    expect(board.text).toMatch(/data-status="open"[\s\S]*Call free-plan detractors[\s\S]*overdue/);

    await agent
      .post(`/dashboard/actions/${id}`)
      .type('form')
      .send({
        _csrf: csrf,
        title: 'Call free-plan detractors',
        ownerName: 'Ivo',
        ownerEmail: '',
        dueDate: '',
        status: 'in_progress',
        description: '',
        targetType: 'segment',
        property: 'plan',
        value: 'free',
      })
      .expect(303);
    const detail = await agent.get(`/dashboard/actions/${id}`).expect(200);
    expect(detail.text).toContain('in progress');
    expect(detail.text).not.toContain('badge sig">overdue');
    expect(detail.text).toContain('responses arrived after the action');
  });

  it('shows validation errors next to the fields', async () => {
    const { workspace } = await surveyWithSegments(world.ctx.db);
    const { agent, csrf } = await signedIn(workspace.id, 'manager');
    const res = await agent
      .post('/dashboard/actions')
      .type('form')
      .send({ _csrf: csrf, surveyId: '', title: '', ownerEmail: 'not-an-email', status: 'open' })
      .expect(400);
    expect(res.text).toContain('id="a-survey-note"');
    expect(res.text).toContain('id="a-title-note"');
    expect(res.text).toContain('id="a-owner-email-note"');
  });
});

describe('dashboard report archive', () => {
  it('makes a past monthly report on demand, lists it and shows it as rendered, also to executives', async () => {
    const { workspace, survey } = await surveyWithSegments(world.ctx.db);
    await buildResponse(world.ctx.db, {
      workspaceId: workspace.id,
      surveyId: survey.id,
      score: 3,
      createdAt: new Date('2026-01-20T10:00:00Z'),
      segment: { plan: 'free' },
    });
    const { agent, csrf } = await signedIn(workspace.id, 'manager');
    const made = await agent
      .post('/dashboard/reports')
      .type('form')
      .send({ _csrf: csrf, kind: 'monthly', periodStart: '2026-01-15' })
      .expect(303);
    const id = /\/dashboard\/reports\/([0-9a-f-]{36})$/.exec(made.headers.location!)![1]!;
    const archive = await agent.get('/dashboard/reports').expect(200);
    expect(archive.text).toContain(`/dashboard/reports/${id}`);

    const exec = await signedIn(workspace.id, 'executive');
    const page = await exec.agent.get(`/dashboard/reports/${id}`).expect(200);
    expect(page.text).toContain('Monthly customer report');
    expect(page.text).toContain('/assets/report.css');
    // Figures open the report's read-only evidence page, which executives may read too.
    expect(page.text).not.toContain('href="/api/');
    const evidence = /href="(\/dashboard\/reports\/[0-9a-f-]{36}\/responses\?[^"]+)"/.exec(
      page.text,
    )![1]!;
    const behind = await exec.agent.get(evidence.replaceAll('&amp;', '&')).expect(200);
    expect(behind.text).toContain('Responses behind the figure');
    expect(behind.text).toContain('data-response-score');
    expect(behind.text).not.toContain('>Contact</th>');
    // Only the report's own figures: another period, or no survey, is refused.
    await exec.agent
      .get(
        `/dashboard/reports/${id}/responses?surveyId=${survey.id}&since=2020-01-01T00:00:00Z&until=2020-02-01T00:00:00Z`,
      )
      .expect(400);
    await exec.agent.get(`/dashboard/reports/${id}/responses`).expect(400);
    await exec.agent.get('/dashboard/responses').expect(403);
    const byMonth = await exec.agent.get('/dashboard/reports/monthly/2026-01').expect(200);
    expect(byMonth.text).toContain('Monthly customer report');
    const archiveExec = await exec.agent.get('/dashboard/reports').expect(200);
    expect(archiveExec.text).not.toContain('Make report');
    await exec.agent
      .post('/dashboard/reports')
      .type('form')
      .send({ _csrf: exec.csrf, kind: 'monthly', periodStart: '2026-02-01' })
      .expect(403);
  });

  it('names the period field when the period has not ended', async () => {
    const { workspace } = await surveyWithSegments(world.ctx.db);
    const { agent, csrf } = await signedIn(workspace.id, 'manager');
    const res = await agent
      .post('/dashboard/reports')
      .type('form')
      .send({ _csrf: csrf, kind: 'monthly', periodStart: '2999-01-01' })
      .expect(422);
    expect(res.text).toContain('id="r-start-note"');
  });

  it('turns a weekly report item into an action', async () => {
    const { workspace, survey } = await surveyWithSegments(world.ctx.db);
    const { agent, csrf } = await signedIn(workspace.id, 'manager');
    const made = await agent
      .post('/dashboard/reports')
      .type('form')
      .send({ _csrf: csrf, kind: 'weekly', periodStart: '2026-01-05' })
      .expect(303);
    const id = /([0-9a-f-]{36})$/.exec(made.headers.location!)![1]!;
    const items = await agent.get(`/dashboard/reports/${id}/items`).expect(200);
    expect(items.text).toContain('The report as sent');
    const created = await agent
      .post('/dashboard/actions')
      .type('form')
      .send({
        _csrf: csrf,
        surveyId: survey.id,
        title: 'From the weekly report',
        targetType: 'survey',
        sourceReportId: id,
      })
      .expect(303);
    const detail = await agent.get(created.headers.location!).expect(200);
    expect(detail.text).toContain(`/dashboard/reports/${id}`);
  });
});

describe('dashboard workspace settings', () => {
  it('saves time zone, language, quiet period, quota and recipients, and rebuilds the rollups', async () => {
    const { workspace, survey } = await surveyWithSegments(world.ctx.db);
    const { agent, csrf } = await signedIn(workspace.id, 'admin');
    await world.ctx.db.deleteFrom('response_rollups').where('survey_id', '=', survey.id).execute();

    await agent
      .post('/dashboard/settings/workspace')
      .type('form')
      .send({
        _csrf: csrf,
        name: 'Renamed',
        timeZone: 'Pacific/Kiritimati',
        defaultLocale: 'hr',
        quietPeriodDays: '30',
        dailySendQuota: '500',
        monthlyReportDay: '2',
        weeklyReportWeekday: '1',
        reportHour: '8',
        executiveRecipients: 'CEO@example.com\ncfo@example.com',
        managerRecipients: '',
      })
      .expect(303);

    const row = await world.ctx.db
      .selectFrom('workspaces')
      .selectAll()
      .where('id', '=', workspace.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      time_zone: 'Pacific/Kiritimati',
      default_locale: 'hr',
      quiet_period_days: 30,
      daily_send_quota: 500,
      executive_recipients: ['ceo@example.com', 'cfo@example.com'],
    });
    // The time-zone change is re-bucketed by the merge-rollups task, not inside the request.
    expect(row.rollups_rebuild_requested_at).not.toBeNull();
    expect(await rebuildRequestedRollups(world.ctx.db)).toBeGreaterThanOrEqual(1);
    const cleared = await world.ctx.db
      .selectFrom('workspaces')
      .select('rollups_rebuild_requested_at')
      .where('id', '=', workspace.id)
      .executeTakeFirstOrThrow();
    expect(cleared.rollups_rebuild_requested_at).toBeNull();
    const rollups = await world.ctx.db
      .selectFrom('response_rollups')
      .select('survey_id')
      .where('survey_id', '=', survey.id)
      .execute();
    expect(rollups.length).toBeGreaterThan(0);
    const page = await agent.get('/dashboard/settings?done=settings_saved').expect(200);
    expect(page.text).toContain('Pacific/Kiritimati');
  });

  it('names the wrong fields next to them and changes nothing', async () => {
    const { workspace } = await surveyWithSegments(world.ctx.db);
    const { agent, csrf } = await signedIn(workspace.id, 'admin');
    const res = await agent
      .post('/dashboard/settings/workspace')
      .type('form')
      .send({
        _csrf: csrf,
        name: 'W',
        timeZone: 'Mars/Olympus',
        defaultLocale: 'en',
        quietPeriodDays: 'soon',
        dailySendQuota: '',
        monthlyReportDay: '1',
        weeklyReportWeekday: '1',
        reportHour: '8',
        executiveRecipients: 'not-an-email',
        managerRecipients: '',
      })
      .expect(400);
    expect(res.text).toContain('id="ws-tz-note"');
    expect(res.text).toContain('id="ws-quiet-note"');
    expect(res.text).toContain('id="ws-exec-note"');
    const row = await world.ctx.db
      .selectFrom('workspaces')
      .select('time_zone')
      .where('id', '=', workspace.id)
      .executeTakeFirstOrThrow();
    expect(row.time_zone).not.toBe('Mars/Olympus');
  });
});
