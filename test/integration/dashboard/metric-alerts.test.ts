import request from 'supertest';
import { bearer, buildSurvey, buildWorkspace } from '../../support/factories';
import { buildUser, signIn } from '../../support/dashboard-factories';
import { createTestWorld } from '../../support/test-context';
import type { TestWorld } from '../../support/test-context';

let world: TestWorld;
beforeAll(async () => {
  world = await createTestWorld({ env: { WEBHOOK_ALLOW_PRIVATE_URLS: 'true' } });
});
afterAll(async () => {
  await world.close();
});

async function admin() {
  const { workspace, adminKey } = await buildWorkspace(world.ctx.db);
  const user = await buildUser(world.ctx.db, workspace.id, 'admin');
  return { workspace, adminKey, ...(await signIn(world.app, user.email)) };
}

/** The form's text next to a field: the error paragraph the field template writes. */
function fieldError(html: string, id: string): string | undefined {
  return new RegExp(`<p class="field-error" id="${id}-note">([^<]*)</p>`).exec(html)?.[1];
}

describe('dashboard Settings → Metric alerts', () => {
  it('creates a rule through the form, re-renders a bad threshold, edits it, and the API agrees', async () => {
    const { workspace, adminKey, agent, csrf } = await admin();
    const survey = await buildSurvey(world.ctx.db, workspace.id, { name: 'Support', kind: 'nps' });

    const blank = await agent.get('/dashboard/settings/metric-alerts/new').expect(200);
    expect(blank.text).toContain('Support');
    expect(blank.text).toContain('name="threshold"');

    const form = {
      _csrf: csrf,
      name: 'Support NPS',
      surveyId: survey.id,
      condition: 'below_threshold',
      windowDays: '7',
      threshold: '500',
      minResponses: '30',
      alpha: '0.05',
      baselineWeeks: '8',
      limitMethod: 'sigma',
      channel: 'email',
      email: 'cx@example.com',
      chatAlertRuleId: '',
    };
    const bad = await agent
      .post('/dashboard/settings/metric-alerts/new')
      .type('form')
      .send(form)
      .expect(400);
    expect(fieldError(bad.text, 'ma-threshold')).toMatch(/100/);
    expect(bad.text).toContain('value="500"');
    expect(bad.text).toContain('value="cx@example.com"');
    const missing = await agent
      .post('/dashboard/settings/metric-alerts/new')
      .type('form')
      .send({ ...form, threshold: '' })
      .expect(400);
    expect(fieldError(missing.text, 'ma-threshold')).toBe('required for below_threshold');

    const created = await agent
      .post('/dashboard/settings/metric-alerts/new')
      .type('form')
      .send({ ...form, threshold: '20' })
      .expect(303);
    const location = created.headers.location as string;
    expect(location).toMatch(
      /^\/dashboard\/settings\/metric-alerts\/[0-9a-f-]{36}\?done=metric_alert_created$/,
    );
    const id = /metric-alerts\/([0-9a-f-]{36})/.exec(location)![1]!;
    const detail = await agent.get(location).expect(200);
    expect(detail.text).toContain('Metric alert added');
    expect(detail.text).toContain('No episodes yet.');
    expect(detail.text).toContain('value="20"');

    const api = () => request(world.app).get(`/api/metric-alerts/${id}`).set(bearer(adminKey));
    expect((await api().expect(200)).body).toMatchObject({
      name: 'Support NPS',
      surveyId: survey.id,
      condition: 'below_threshold',
      threshold: 20,
      windowDays: 7,
      channel: 'email',
      email: 'cx@example.com',
    });

    // Edit: a bad window re-renders the edit form (the rule unchanged), then a volume rule.
    const badEdit = await agent
      .post(`/dashboard/settings/metric-alerts/${id}`)
      .type('form')
      .send({ ...form, condition: 'low_volume', windowDays: '30', threshold: '' })
      .expect(400);
    expect(fieldError(badEdit.text, 'ma-window')).toBe('at most 7 for low_volume');
    expect((await api()).body.windowDays).toBe(7);

    await agent
      .post(`/dashboard/settings/metric-alerts/${id}`)
      .type('form')
      .send({
        ...form,
        name: 'Support volume',
        condition: 'low_volume',
        windowDays: '1',
        threshold: '20',
        sameWeekday: 'on',
        limitMethod: 'poisson',
      })
      .expect(303)
      .expect('location', `/dashboard/settings/metric-alerts/${id}?done=metric_alert_saved`);
    expect((await api().expect(200)).body).toMatchObject({
      name: 'Support volume',
      condition: 'low_volume',
      threshold: null,
      windowDays: 1,
      sameWeekday: true,
      limitMethod: 'poisson',
      email: 'cx@example.com',
    });
    const list = await agent.get('/dashboard/settings/metric-alerts').expect(200);
    expect(list.text).toContain(`href="/dashboard/settings/metric-alerts/${id}"`);
  });

  it('names a missing chat rule, escapes a hostile name, and keeps to the workspace', async () => {
    const { workspace, agent, csrf } = await admin();
    const survey = await buildSurvey(world.ctx.db, workspace.id, { kind: 'csat' });
    const form = {
      _csrf: csrf,
      name: '<script>alert(1)</script>',
      surveyId: survey.id,
      condition: 'significant_drop',
      windowDays: '14',
      channel: 'chat',
      chatAlertRuleId: '',
    };
    const noChat = await agent
      .post('/dashboard/settings/metric-alerts/new')
      .type('form')
      .send(form)
      .expect(400);
    expect(fieldError(noChat.text, 'ma-chat')).toBe('required for channel chat');
    expect(noChat.text).not.toContain('<script>alert(1)</script>');
    expect(noChat.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');

    const unknownChat = await agent
      .post('/dashboard/settings/metric-alerts/new')
      .type('form')
      .send({ ...form, chatAlertRuleId: '00000000-0000-4000-8000-000000000000' })
      .expect(400);
    expect(fieldError(unknownChat.text, 'ma-chat')).toBe('No such chat alert rule');

    const created = await agent
      .post('/dashboard/settings/metric-alerts/new')
      .type('form')
      .send({ ...form, channel: 'email', email: 'a@example.com' })
      .expect(303);
    const detail = await agent.get(created.headers.location as string).expect(200);
    expect(detail.text).not.toContain('<script>alert(1)</script>');
    expect(detail.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    const list = await agent.get('/dashboard/settings/metric-alerts').expect(200);
    expect(list.text).not.toContain('<script>alert(1)</script>');

    const id = /metric-alerts\/([0-9a-f-]{36})/.exec(created.headers.location as string)![1]!;
    const other = await admin();
    await other.agent.get(`/dashboard/settings/metric-alerts/${id}`).expect(404);
    await other.agent
      .post(`/dashboard/settings/metric-alerts/${id}`)
      .type('form')
      .send({ ...form, _csrf: other.csrf, channel: 'email', email: 'b@example.com' })
      .expect(404);
  });

  it('sends to one of the workspace’s chat alert rules, picked from a list', async () => {
    const { workspace, adminKey, agent, csrf } = await admin();
    const survey = await buildSurvey(world.ctx.db, workspace.id, { kind: 'nps' });
    const chat = await request(world.app)
      .post('/api/chat-alerts')
      .set(bearer(adminKey))
      .send({ platform: 'slack', name: '#cx-alerts', url: 'http://127.0.0.1:9/services/T/B/x' })
      .expect(201);
    const chatId = chat.body.id as string;
    const blank = await agent.get('/dashboard/settings/metric-alerts/new').expect(200);
    expect(blank.text).toContain(`<option value="${chatId}">#cx-alerts (Slack)</option>`);
    const created = await agent
      .post('/dashboard/settings/metric-alerts/new')
      .type('form')
      .send({
        _csrf: csrf,
        name: 'Volume',
        surveyId: survey.id,
        condition: 'low_volume',
        windowDays: '1',
        threshold: '',
        channel: 'chat',
        email: 'ignored@example.com',
        chatAlertRuleId: chatId,
      })
      .expect(303);
    const id = /metric-alerts\/([0-9a-f-]{36})/.exec(created.headers.location as string)![1]!;
    const stored = await request(world.app)
      .get(`/api/metric-alerts/${id}`)
      .set(bearer(adminKey))
      .expect(200);
    expect(stored.body).toMatchObject({ channel: 'chat', chatAlertRuleId: chatId, email: null });
    const detail = await agent.get(`/dashboard/settings/metric-alerts/${id}`).expect(200);
    expect(detail.text).toContain('chat to #cx-alerts');
  });
});
