import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { buildSentInvitation } from '../../support/collector-factories';
import { bearer, buildSurvey, buildWorkspace } from '../../support/factories';
import { createTestWorld } from '../../support/test-context';
import type { TestWorld } from '../../support/test-context';
import { waitFor } from '../../support/wait';

// Stand-ins for Slack and Teams incoming webhooks on loopback. Slack answers `200 ok` and
// 404/410 for a removed webhook or archived channel
// (https://docs.slack.dev/messaging/sending-messages-using-incoming-webhooks#handling-errors).

/** A receiver that answers `statuses` in turn (the last one from then on). */
async function startReceiver(statuses: number[] = [200]) {
  const received: Record<string, unknown>[] = [];
  let calls = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
      res.statusCode = statuses[Math.min(calls, statuses.length - 1)] ?? 200;
      calls += 1;
      res.end(res.statusCode === 200 ? 'ok' : 'no_service');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/services/T000/B000/XXXXXXXXXXXXXXXXXXXXXXXX`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

interface AdaptiveCard {
  type: string;
  body: Record<string, unknown>[];
  actions: { title: string; url: string }[];
}

const WAIT = (what: string) => ({ timeoutMs: 15_000, intervalMs: 50, what });

let world: TestWorld;
beforeAll(async () => {
  world = await createTestWorld({
    env: {
      WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
      WEBHOOK_BACKOFF_MS: '50',
      WEBHOOK_ATTEMPTS: '4',
      WEBHOOK_TIMEOUT_MS: '300',
    },
  });
  world.startWorkers({ relay: true });
});
afterAll(async () => {
  await world.close();
});

async function answer(token: string, score: string, comment?: string) {
  await request(world.app)
    .post(`/s/${token}`)
    .type('form')
    .send(comment === undefined ? { score } : { score, comment })
    .expect(200);
}

async function deliveries(key: string, ruleId: string) {
  const res = await request(world.app)
    .get(`/api/chat-alerts/${ruleId}/deliveries`)
    .set(bearer(key))
    .expect(200);
  return res.body.data as { status: string; attempts: number; test: boolean }[];
}

describe('Slack alerts', () => {
  it('brings a matching detractor answer to the Slack receiver once, escaped, with links', async () => {
    const slack = await startReceiver();
    try {
      const { workspace, adminKey } = await buildWorkspace(world.ctx.db);
      const survey = await buildSurvey(world.ctx.db, workspace.id, {
        kind: 'nps',
        name: 'Support',
      });
      const rule = await request(world.app)
        .post('/api/chat-alerts')
        .set(bearer(adminKey))
        .send({
          platform: 'slack',
          name: '#support-detractors',
          url: slack.url,
          surveyIds: [survey.id],
          maxScore: 6,
          onlyWithComment: true,
          segment: { plan: 'pro' },
        })
        .expect(201);
      const pro = { workspaceId: workspace.id, surveyId: survey.id, segment: { plan: 'pro' } };
      const detractor = await buildSentInvitation(world.ctx.db, pro);
      const promoter = await buildSentInvitation(world.ctx.db, pro);
      const freePlan = await buildSentInvitation(world.ctx.db, {
        ...pro,
        segment: { plan: 'free' },
      });
      const silent = await buildSentInvitation(world.ctx.db, pro);

      await answer(promoter.token, '10', 'Great');
      await answer(freePlan.token, '2', 'Bad');
      await answer(silent.token, '1');
      await answer(detractor.token, '3', 'Slow <b>reply</b> & <!channel> *twice*');
      await waitFor(() => slack.received.length >= 1, WAIT('the Slack alert'));
      await answer(detractor.token, '3', 'Slow <b>reply</b> & <!channel> *twice*, still waiting');
      await world.relay();
      const log = await waitFor(async () => {
        const rows = await deliveries(adminKey, rule.body.id as string);
        return rows.every((r) => r.status === 'succeeded') && rows;
      }, WAIT('the delivery log'));

      expect(slack.received).toHaveLength(1);
      expect(log).toEqual([
        expect.objectContaining({ status: 'succeeded', attempts: 1, test: false }),
      ]);
      const message = slack.received[0] as { text: string; blocks: Record<string, unknown>[] };
      expect(message.text).toBe('NPS 3/10 (detractor) on Support');
      expect(message.blocks[1]).toEqual({
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: '>Slow &lt;b&gt;reply&lt;/b&gt; &amp; &lt;!channel&gt; *twice*',
        },
      });
      expect(message.blocks[2]).toEqual({
        type: 'context',
        elements: [{ type: 'mrkdwn', text: '*plan:* pro' }],
      });
      const followup = await world.ctx.db
        .selectFrom('followup_cases')
        .innerJoin('responses', 'responses.id', 'followup_cases.response_id')
        .select('followup_cases.id')
        .where('responses.invitation_id', '=', detractor.invitation.id)
        .executeTakeFirstOrThrow();
      const urls = (message.blocks[3] as { elements: { url: string }[] }).elements.map(
        (e) => e.url,
      );
      expect(urls[0]).toMatch(/^http:\/\/glas\.test\/dashboard\/responses\/[0-9a-f-]{36}$/);
      expect(urls[1]).toBe(`http://glas.test/dashboard/followups/${followup.id}`);
      const stored = await world.ctx.db
        .selectFrom('chat_alert_rules')
        .select(['url', 'url_hint'])
        .executeTakeFirstOrThrow();
      expect(stored.url).toMatch(/^v1:/);
      expect(stored.url).not.toContain('XXXXXXXX');
      expect(rule.body).not.toHaveProperty('url');
      expect(rule.body.urlHint).toMatch(/…XXXX$/);
    } finally {
      await slack.close();
    }
  });

  it('sends a test message, and stops at once on a 404 from a removed webhook', async () => {
    const gone = await startReceiver([404]);
    try {
      const { adminKey } = await buildWorkspace(world.ctx.db);
      const rule = await request(world.app)
        .post('/api/chat-alerts')
        .set(bearer(adminKey))
        .send({ platform: 'slack', name: 'gone', url: gone.url })
        .expect(201);

      const test = await request(world.app)
        .post(`/api/chat-alerts/${rule.body.id}/test`)
        .set(bearer(adminKey))
        .expect(202);
      const log = await waitFor(async () => {
        const rows = await deliveries(adminKey, rule.body.id as string);
        return rows[0]?.status === 'failed' && rows;
      }, WAIT('the failed test delivery'));

      expect(test.body).toMatchObject({ test: true, status: 'pending' });
      expect(log).toEqual([
        expect.objectContaining({ test: true, status: 'failed', attempts: 1, lastStatusCode: 404 }),
      ]);
      expect((gone.received[0] as { text: string }).text).toMatch(/^\[Test\] NPS 3\/10/);
    } finally {
      await gone.close();
    }
  });
});

describe('Teams alerts', () => {
  it('posts an Adaptive Card with the comment as plain text, retrying a 500', async () => {
    const teams = await startReceiver([500, 200]);
    try {
      const { workspace, adminKey } = await buildWorkspace(world.ctx.db);
      const survey = await buildSurvey(world.ctx.db, workspace.id, { kind: 'csat', name: 'Care' });
      const rule = await request(world.app)
        .post('/api/chat-alerts')
        .set(bearer(adminKey))
        .send({ platform: 'teams', name: 'Care team', url: teams.url, maxScore: 2 })
        .expect(201);
      const inv = await buildSentInvitation(world.ctx.db, {
        workspaceId: workspace.id,
        surveyId: survey.id,
      });

      await answer(inv.token, '1', '**Never** [again](https://evil.example)');
      const log = await waitFor(async () => {
        const rows = await deliveries(adminKey, rule.body.id as string);
        return rows[0]?.status === 'succeeded' && rows;
      }, WAIT('the Teams alert'));

      expect(log).toEqual([expect.objectContaining({ status: 'succeeded', attempts: 2 })]);
      expect(teams.received).toHaveLength(2);
      const card = (
        teams.received[1] as { attachments: { contentType: string; content: AdaptiveCard }[] }
      ).attachments[0]!;
      expect(card.contentType).toBe('application/vnd.microsoft.card.adaptive');
      expect(card.content.type).toBe('AdaptiveCard');
      expect(card.content.body[0]).toMatchObject({ text: 'CSAT 1/5 on Care' });
      expect(card.content.body[1]).toEqual({
        type: 'RichTextBlock',
        inlines: [
          { type: 'TextRun', text: '**Never** [again](https://evil.example)', italic: false },
        ],
      });
      expect(card.content.actions.map((a) => a.title)).toEqual([
        'Open response',
        'Open follow-up case',
      ]);
    } finally {
      await teams.close();
    }
  });
});

describe('a receiver that never answers', () => {
  it('times out, is retried and marked failed, while another channel gets the alert', async () => {
    const hanging = http.createServer(() => {
      // Never answers: Glas must give up after WEBHOOK_TIMEOUT_MS.
    });
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    const slack = await startReceiver();
    try {
      const { workspace, adminKey } = await buildWorkspace(world.ctx.db);
      const survey = await buildSurvey(world.ctx.db, workspace.id, { kind: 'nps' });
      const port = (hanging.address() as AddressInfo).port;
      const stuck = await request(world.app)
        .post('/api/chat-alerts')
        .set(bearer(adminKey))
        .send({ platform: 'slack', name: 'stuck', url: `http://127.0.0.1:${port}/hook` })
        .expect(201);
      await request(world.app)
        .post('/api/chat-alerts')
        .set(bearer(adminKey))
        .send({ platform: 'slack', name: 'fine', url: slack.url })
        .expect(201);
      const inv = await buildSentInvitation(world.ctx.db, {
        workspaceId: workspace.id,
        surveyId: survey.id,
      });

      await answer(inv.token, '0', 'Nobody answered');
      await waitFor(() => slack.received.length >= 1, WAIT('the alert on the working channel'));
      const log = await waitFor(async () => {
        const rows = await deliveries(adminKey, stuck.body.id as string);
        return rows[0]?.status === 'failed' && rows;
      }, WAIT('the stuck delivery to fail'));

      expect(log).toEqual([
        expect.objectContaining({ status: 'failed', attempts: 4, lastError: 'timed out' }),
      ]);
    } finally {
      hanging.closeAllConnections();
      await new Promise((resolve) => hanging.close(resolve));
      await slack.close();
    }
  });
});

describe('/api/chat-alerts', () => {
  it('refuses bad rules naming the field, and keeps workspaces apart', async () => {
    const a = await buildWorkspace(world.ctx.db);
    const b = await buildWorkspace(world.ctx.db);
    const rule = await request(world.app)
      .post('/api/chat-alerts')
      .set(bearer(a.adminKey))
      .send({ platform: 'slack', name: 'a', url: 'http://127.0.0.1:9/hook' })
      .expect(201);

    const bad = await request(world.app)
      .post('/api/chat-alerts')
      .set(bearer(a.adminKey))
      .send({ platform: 'irc', name: 'x', url: 'ftp://x', minScore: 9, maxScore: 3, id: 'x' });
    const listB = await request(world.app).get('/api/chat-alerts').set(bearer(b.adminKey));
    const testByB = await request(world.app)
      .post(`/api/chat-alerts/${rule.body.id}/test`)
      .set(bearer(b.adminKey));
    const deleteByB = await request(world.app)
      .delete(`/api/chat-alerts/${rule.body.id}`)
      .set(bearer(b.adminKey));

    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(
      expect.arrayContaining(['id', 'platform', 'url']),
    );
    expect(listB.body.data).toEqual([]);
    expect([testByB.status, deleteByB.status]).toEqual([404, 404]);
  });
});
