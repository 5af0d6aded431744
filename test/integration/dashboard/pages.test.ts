import request from 'supertest';
import { bearer, buildResponse, buildSurvey, buildWorkspace } from '../../support/factories';
import { buildUser, csrfFrom, signIn, TEST_PASSWORD } from '../../support/dashboard-factories';
import { createTestWorld } from '../../support/test-context';
import type { TestWorld } from '../../support/test-context';

let world: TestWorld;

beforeAll(async () => {
  world = await createTestWorld();
});

afterAll(async () => {
  await world.close();
});

describe('dashboard sign-in', () => {
  it('signs a manager in, sets an HttpOnly SameSite=Lax cookie and stores only its hash', async () => {
    const { workspace } = await buildWorkspace(world.ctx.db);
    const user = await buildUser(world.ctx.db, workspace.id, 'manager');
    const agent = request.agent(world.app);
    const form = await agent.get('/dashboard/sign-in').expect(200);
    const res = await agent
      .post('/dashboard/sign-in')
      .type('form')
      .send({
        _csrf: csrfFrom(form.text),
        email: user.email.toUpperCase(),
        password: TEST_PASSWORD,
      })
      .expect(303);
    expect(res.headers.location).toBe('/dashboard');
    const cookie = (res.headers['set-cookie'] as unknown as string[]).find((c) =>
      c.startsWith('glas_session='),
    )!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\//);
    const token = /glas_session=([^;]+)/.exec(cookie)![1]!;
    const rows = await world.ctx.db.selectFrom('sessions').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(token);
    const home = await agent.get('/dashboard').expect(200);
    expect(home.text).toContain('Headline scores');
    expect(home.headers['content-security-policy']).toContain("script-src 'self'");
  });

  it('refuses a wrong password with 401 and the form again, naming no field', async () => {
    const { workspace } = await buildWorkspace(world.ctx.db);
    const user = await buildUser(world.ctx.db, workspace.id, 'manager');
    const agent = request.agent(world.app);
    const form = await agent.get('/dashboard/sign-in');
    const res = await agent
      .post('/dashboard/sign-in')
      .type('form')
      .send({ _csrf: csrfFrom(form.text), email: user.email, password: 'wrong password!' })
      .expect(401);
    expect(res.text).toContain('The email or password is wrong.');
    await agent.get('/dashboard').expect(303);
  });

  it('refuses a sign-in without the pre-session token (login CSRF)', async () => {
    const { workspace } = await buildWorkspace(world.ctx.db);
    const user = await buildUser(world.ctx.db, workspace.id, 'manager');
    await request(world.app)
      .post('/dashboard/sign-in')
      .type('form')
      .send({ _csrf: 'x'.repeat(43), email: user.email, password: TEST_PASSWORD })
      .expect(403);
  });

  it('redirects to sign-in when not signed in, and keeps where you were going', async () => {
    const res = await request(world.app).get('/dashboard/surveys').expect(303);
    expect(res.headers.location).toBe('/dashboard/sign-in?next=%2Fdashboard%2Fsurveys');
  });

  it('signs out: the old cookie no longer works', async () => {
    const { workspace } = await buildWorkspace(world.ctx.db);
    const user = await buildUser(world.ctx.db, workspace.id, 'manager');
    const { agent, csrf } = await signIn(world.app, user.email);
    await agent.post('/dashboard/sign-out').type('form').send({ _csrf: csrf }).expect(303);
    await agent.get('/dashboard').expect(303);
    expect(
      await world.ctx.db.selectFrom('sessions').where('user_id', '=', user.id).execute(),
    ).toEqual([]);
  });

  it('changes the password after checking the current one', async () => {
    const { workspace } = await buildWorkspace(world.ctx.db);
    const user = await buildUser(world.ctx.db, workspace.id, 'executive');
    const { agent, csrf } = await signIn(world.app, user.email);
    const other = await signIn(world.app, user.email);
    const bad = await agent
      .post('/dashboard/account/password')
      .type('form')
      .send({
        _csrf: csrf,
        currentPassword: 'not it at all',
        newPassword: 'short',
        confirmPassword: 'x',
      })
      .expect(400);
    expect(bad.text).toMatch(/id="newPassword-note">at least 10 characters/);
    expect(bad.text).toMatch(/id="confirmPassword-note">does not match/);
    const wrongCurrent = await agent
      .post('/dashboard/account/password')
      .type('form')
      .send({
        _csrf: csrf,
        currentPassword: 'not it at all',
        newPassword: 'a much better passphrase',
        confirmPassword: 'a much better passphrase',
      })
      .expect(400);
    expect(wrongCurrent.text).toMatch(/id="currentPassword-note">is not your current password/);
    await agent
      .post('/dashboard/account/password')
      .type('form')
      .send({
        _csrf: csrf,
        currentPassword: TEST_PASSWORD,
        newPassword: 'a much better passphrase',
        confirmPassword: 'a much better passphrase',
      })
      .expect(303);
    await agent.get('/dashboard').expect(200);
    await other.agent.get('/dashboard').expect(303);
    await signIn(world.app, user.email, 'a much better passphrase');
  });
});

describe('dashboard sign-in throttling', () => {
  let limited: TestWorld;
  beforeAll(async () => {
    limited = await createTestWorld({ env: { SIGNIN_ATTEMPTS_PER_15_MIN: '3' } });
  });
  afterAll(async () => {
    await limited.close();
  });

  it('answers 429 after too many failed sign-ins for one email', async () => {
    const { workspace } = await buildWorkspace(limited.ctx.db);
    const user = await buildUser(limited.ctx.db, workspace.id, 'manager');
    const agent = request.agent(limited.app);
    const csrf = csrfFrom((await agent.get('/dashboard/sign-in')).text);
    const attempt = (password: string) =>
      agent
        .post('/dashboard/sign-in')
        .type('form')
        .send({ _csrf: csrf, email: user.email, password });
    for (let i = 0; i < 3; i++) {
      expect((await attempt('nope nope')).status).toBe(401);
    }
    const blocked = await attempt(TEST_PASSWORD);
    expect(blocked.status).toBe(429);
    expect(blocked.headers['retry-after']).toBeDefined();
  });
});

describe('dashboard surveys', () => {
  it('shows validation errors next to the fields and keeps what was typed', async () => {
    const { workspace } = await buildWorkspace(world.ctx.db);
    const user = await buildUser(world.ctx.db, workspace.id, 'manager');
    const { agent, csrf } = await signIn(world.app, user.email);
    const res = await agent
      .post('/dashboard/surveys')
      .type('form')
      .send({
        _csrf: csrf,
        kind: 'csat',
        name: '',
        'trigger.eventType': 'bad type!',
        'trigger.samplingPercent': '150',
        'trigger.delayMinutes': 'soon',
        'texts.hr.question': 'Koliko ste zadovoljni?',
        'trigger.sendWindow.days': 'mon',
        'trigger.sendWindow.start': '18:00',
        'trigger.sendWindow.end': '09:00',
      })
      .expect(400);
    expect(res.text).toMatch(/<p class="field-error" id="name-note">/);
    expect(res.text).toMatch(/<p class="field-error" id="eventType-note">letters, digits/);
    expect(res.text).toMatch(/<p class="field-error" id="sampling-note">/);
    expect(res.text).toMatch(/<p class="field-error" id="delay-note">/);
    expect(res.text).toMatch(/<p class="field-error" id="wend-note">must be later than start/);
    expect(res.text).toContain('Koliko ste zadovoljni?');
    expect(
      await world.ctx.db.selectFrom('surveys').where('workspace_id', '=', workspace.id).execute(),
    ).toEqual([]);
  });

  it('creates, edits, launches, pauses and closes a survey through the services', async () => {
    const { workspace } = await buildWorkspace(world.ctx.db);
    const user = await buildUser(world.ctx.db, workspace.id, 'manager');
    const { agent, csrf } = await signIn(world.app, user.email);
    const created = await agent
      .post('/dashboard/surveys')
      .type('form')
      .send({
        _csrf: csrf,
        kind: 'csat',
        name: 'Support CSAT',
        'trigger.eventType': 'ticket.closed',
        'trigger.delayMinutes': '15',
        'trigger.samplingPercent': '50',
        'trigger.quietPeriodDays': '',
        reminderAfterDays: '3',
        expiresAfterDays: '30',
        segmentProperties: 'plan, region',
        'texts.hr.question': 'Koliko ste zadovoljni našom podrškom?',
        'trigger.sendWindow.days': ['mon', 'tue'],
        'trigger.sendWindow.start': '09:00',
        'trigger.sendWindow.end': '17:00',
      })
      .expect(303);
    const id = /\/dashboard\/surveys\/([0-9a-f-]{36})/.exec(created.headers.location!)![1]!;
    const row = await world.ctx.db
      .selectFrom('surveys')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      kind: 'csat',
      status: 'draft',
      delay_seconds: 900,
      sampling_rate: 0.5,
      quiet_period_days: null,
      reminder_after_days: 3,
      segment_properties: ['plan', 'region'],
      send_window: { days: ['mon', 'tue'], start: '09:00', end: '17:00' },
      texts: { hr: { question: 'Koliko ste zadovoljni našom podrškom?' } },
    });
    const edit = await agent.get(`/dashboard/surveys/${id}/edit`).expect(200);
    expect(edit.text).toContain('Koliko ste zadovoljni našom podrškom?');
    await agent
      .post(`/dashboard/surveys/${id}`)
      .type('form')
      .send({
        _csrf: csrf,
        kind: 'csat',
        name: 'Support CSAT v2',
        'trigger.eventType': 'ticket.closed',
        expiresAfterDays: '14',
      })
      .expect(303);
    for (const [step, status] of [
      ['launch', 'active'],
      ['pause', 'paused'],
      ['close', 'closed'],
    ] as const) {
      await agent
        .post(`/dashboard/surveys/${id}/${step}`)
        .type('form')
        .send({ _csrf: csrf })
        .expect(303);
      const s = await world.ctx.db
        .selectFrom('surveys')
        .select(['status', 'name', 'expires_after_days'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      expect(s).toEqual({ status, name: 'Support CSAT v2', expires_after_days: 14 });
    }
    const conflict = await agent
      .post(`/dashboard/surveys/${id}/launch`)
      .type('form')
      .send({ _csrf: csrf })
      .expect(409);
    expect(conflict.text).toContain('cannot be launched');
  });

  it('renders the email and survey page previews in the chosen language', async () => {
    const { workspace } = await buildWorkspace(world.ctx.db);
    const user = await buildUser(world.ctx.db, workspace.id, 'manager');
    const { agent, csrf } = await signIn(world.app, user.email);
    const fields = {
      _csrf: csrf,
      kind: 'csat',
      'texts.hr.question': 'Kako smo <b>vam</b> pomogli?',
      previewLocale: 'hr',
    };
    const email = await agent
      .post('/dashboard/surveys/preview/email')
      .type('form')
      .send(fields)
      .expect(200);
    expect(email.text).toContain('Kako smo &lt;b&gt;vam&lt;/b&gt; pomogli?');
    expect(email.text).toContain('lang="hr"');
    expect(email.headers['content-security-policy']).toMatch(
      /default-src 'none'.*form-action 'none'/,
    );
    const page = await agent
      .post('/dashboard/surveys/preview/page')
      .type('form')
      .send(fields)
      .expect(200);
    expect(page.text).toContain('Kako smo &lt;b&gt;vam&lt;/b&gt; pomogli?');
    const defaults = await agent
      .post('/dashboard/surveys/preview/page')
      .type('form')
      .send({ ...fields, previewLocale: 'sr-Cyrl' })
      .expect(200);
    expect(defaults.text).toContain('lang="sr-Cyrl"');
    expect(defaults.text).not.toContain('Kako smo');
  });
});

describe('dashboard responses', () => {
  it('lists, filters, escapes comments, flags, and exports CSV with formula cells defused', async () => {
    const { workspace } = await buildWorkspace(world.ctx.db);
    const user = await buildUser(world.ctx.db, workspace.id, 'manager');
    const survey = await buildSurvey(world.ctx.db, workspace.id, { kind: 'nps' });
    const bad = await buildResponse(world.ctx.db, {
      workspaceId: workspace.id,
      surveyId: survey.id,
      score: 2,
    });
    await world.ctx.db
      .updateTable('responses')
      .set({ comment: '<img src=x onerror=alert(1)>' })
      .where('id', '=', bad.id)
      .execute();
    const good = await buildResponse(world.ctx.db, {
      workspaceId: workspace.id,
      surveyId: survey.id,
      score: 10,
    });
    await world.ctx.db
      .updateTable('responses')
      .set({ comment: '=HYPERLINK("http://evil")' })
      .where('id', '=', good.id)
      .execute();
    const { agent, csrf } = await signIn(world.app, user.email);

    const list = await agent.get('/dashboard/responses').expect(200);
    expect(list.text).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(list.text).not.toContain('<img src=x');
    const detractors = await agent
      .get(`/dashboard/responses?surveyId=${survey.id}&category=detractor`)
      .expect(200);
    expect(detractors.text).toContain(bad.id);
    expect(detractors.text).not.toContain(good.id);
    const invalid = await agent.get('/dashboard/responses?since=yesterday').expect(400);
    expect(invalid.text).toMatch(/id="f-since-note"/);

    const csv = await agent
      .get(`/dashboard/responses/export.csv?surveyId=${survey.id}`)
      .expect(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.text).toContain(`'=HYPERLINK`);

    await agent
      .post(`/dashboard/responses/${good.id}/flag`)
      .type('form')
      .send({ _csrf: csrf, flagged: 'true' })
      .expect(303);
    const flagged = await world.ctx.db
      .selectFrom('responses')
      .select('flagged')
      .where('id', '=', good.id)
      .executeTakeFirstOrThrow();
    expect(flagged.flagged).toBe(true);
    const detail = await agent.get(`/dashboard/responses/${good.id}`).expect(200);
    expect(detail.text).toContain('Unflag');
  });

  it('shows another workspace’s response as 404', async () => {
    const a = await buildWorkspace(world.ctx.db);
    const b = await buildWorkspace(world.ctx.db);
    const survey = await buildSurvey(world.ctx.db, a.workspace.id);
    const resp = await buildResponse(world.ctx.db, {
      workspaceId: a.workspace.id,
      surveyId: survey.id,
      score: 9,
    });
    const user = await buildUser(world.ctx.db, b.workspace.id, 'admin');
    const { agent, csrf } = await signIn(world.app, user.email);
    await agent.get(`/dashboard/responses/${resp.id}`).expect(404);
    await agent.get(`/dashboard/surveys/${survey.id}`).expect(404);
    await agent
      .post(`/dashboard/surveys/${survey.id}/close`)
      .type('form')
      .send({ _csrf: csrf })
      .expect(404);
    const s = await world.ctx.db
      .selectFrom('surveys')
      .select('status')
      .where('id', '=', survey.id)
      .executeTakeFirstOrThrow();
    expect(s.status).toBe('active');
  });
});

describe('dashboard API keys', () => {
  it('creates a key shown once, lists it by prefix, and revoking it stops the API at once', async () => {
    const { workspace } = await buildWorkspace(world.ctx.db);
    const admin = await buildUser(world.ctx.db, workspace.id, 'admin');
    const { agent, csrf } = await signIn(world.app, admin.email);
    const created = await agent
      .post('/dashboard/api-keys')
      .type('form')
      .send({ _csrf: csrf, name: 'Helpdesk', role: 'manager' })
      .expect(201);
    const key = /data-new-key>([^<]+)</.exec(created.text)![1]!;
    await request(world.app).get('/api/surveys').set(bearer(key)).expect(200);
    const list = await agent.get('/dashboard/api-keys').expect(200);
    expect(list.text).not.toContain(key);
    expect(list.text).toContain(key.slice(0, 11));
    const row = await world.ctx.db
      .selectFrom('api_keys')
      .select('id')
      .where('name', '=', 'Helpdesk')
      .where('workspace_id', '=', workspace.id)
      .executeTakeFirstOrThrow();
    await agent
      .post(`/dashboard/api-keys/${row.id}/revoke`)
      .type('form')
      .send({ _csrf: csrf })
      .expect(303);
    await request(world.app).get('/api/surveys').set(bearer(key)).expect(401);
    const bad = await agent
      .post('/dashboard/api-keys')
      .type('form')
      .send({ _csrf: csrf, name: '', role: 'owner' })
      .expect(400);
    expect(bad.text).toMatch(/id="key-name-note">name the key/);
    expect(bad.text).toMatch(/id="key-role-note">/);
  });
});
