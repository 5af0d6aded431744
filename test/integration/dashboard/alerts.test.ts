import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSurvey, buildWorkspace } from '../../support/factories';
import { buildUser, signIn } from '../../support/dashboard-factories';
import { createTestWorld } from '../../support/test-context';
import type { TestWorld } from '../../support/test-context';
import { waitFor } from '../../support/wait';

let world: TestWorld;
let slack: http.Server;
const received: { text?: string }[] = [];
let slackUrl = '';

beforeAll(async () => {
  world = await createTestWorld({
    env: { WEBHOOK_ALLOW_PRIVATE_URLS: 'true', WEBHOOK_BACKOFF_MS: '50' },
  });
  world.startWorkers({ relay: true });
  // A loopback stand-in for a Slack incoming webhook: answers `200 ok`.
  slack = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as { text?: string });
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => slack.listen(0, '127.0.0.1', resolve));
  slackUrl = `http://127.0.0.1:${(slack.address() as AddressInfo).port}/services/T1/B1/abcd`;
});
afterAll(async () => {
  await world.close();
  await new Promise((resolve) => slack.close(resolve));
});

async function admin() {
  const { workspace } = await buildWorkspace(world.ctx.db);
  const user = await buildUser(world.ctx.db, workspace.id, 'admin');
  return { workspace, ...(await signIn(world.app, user.email)) };
}

describe('dashboard Settings → Alerts & bounces', () => {
  it('adds a Slack alert, sends a test that reaches the channel and shows in the log, deletes it', async () => {
    const { workspace, agent, csrf } = await admin();
    const survey = await buildSurvey(world.ctx.db, workspace.id, { name: 'Support' });

    const created = await agent.post('/dashboard/settings/alerts').type('form').send({
      _csrf: csrf,
      platform: 'slack',
      name: '#support <detractors>',
      url: slackUrl,
      minScore: '',
      maxScore: '6',
      surveyIds: survey.id,
      segmentProperty: 'plan',
      segmentValue: 'pro',
      onlyWithComment: 'on',
    });
    const page = await agent.get('/dashboard/settings/alerts?done=alert_created').expect(200);
    const rule = await world.ctx.db
      .selectFrom('chat_alert_rules')
      .selectAll()
      .where('workspace_id', '=', workspace.id)
      .executeTakeFirstOrThrow();
    const test = await agent
      .post(`/dashboard/settings/alerts/${rule.id}/test`)
      .type('form')
      .send({ _csrf: csrf });
    await waitFor(() => received.some((m) => m.text?.startsWith('[Test]')), {
      what: 'the test alert at the Slack stand-in',
    });
    const log = await waitFor(
      async () => {
        const res = await agent.get(`/dashboard/settings/alerts/${rule.id}`).expect(200);
        return res.text.includes('succeeded') && res.text;
      },
      { what: 'a succeeded row in the delivery log' },
    );
    const deleted = await agent
      .post(`/dashboard/settings/alerts/${rule.id}/delete`)
      .type('form')
      .send({ _csrf: csrf });

    expect(created.status).toBe(303);
    expect(page.text).toContain('#support &lt;detractors&gt;');
    expect(page.text).toContain('1 survey(s); score any–6; with a comment; plan = pro');
    expect(page.text).not.toContain(slackUrl);
    expect(rule).toMatchObject({ platform: 'slack', max_score: 6, only_with_comment: true });
    expect(test.status).toBe(303);
    expect(log).toContain('test');
    expect(deleted.status).toBe(303);
    expect(
      await world.ctx.db
        .selectFrom('chat_alert_rules')
        .select('id')
        .where('workspace_id', '=', workspace.id)
        .execute(),
    ).toEqual([]);
  });

  it('shows each field’s problem and keeps what was typed', async () => {
    const { agent, csrf } = await admin();

    const res = await agent.post('/dashboard/settings/alerts').type('form').send({
      _csrf: csrf,
      platform: 'slack',
      name: 'x',
      url: 'not a url',
      minScore: '9',
      maxScore: '2',
    });

    expect(res.status).toBe(400);
    expect(res.text).toMatch(/id="al-url-note"/);
    expect(res.text).toMatch(/id="al-min-note"/);
    expect(res.text).toContain('value="not a url"');
  });

  it('lists the bounce sources with the URL to give the provider', async () => {
    const { workspace, agent } = await admin();
    await world.ctx.db
      .insertInto('bounce_sources')
      .values({
        workspace_id: workspace.id,
        provider: 'ses',
        topic_arn: 'arn:aws:sns:eu-west-1:123456789012:t',
      })
      .execute();

    const page = await agent.get('/dashboard/settings/alerts').expect(200);

    expect(page.text).toMatch(/http:\/\/glas\.test\/inbound\/bounces\/ses\/[0-9a-f-]{36}/);
    expect(page.text).toContain('arn:aws:sns:eu-west-1:123456789012:t');
  });
});
