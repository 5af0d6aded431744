import request from 'supertest';
import { buildSentInvitation } from '../../support/collector-factories';
import { bearer, buildSurvey, buildWorkspace } from '../../support/factories';
import { createTestWorld } from '../../support/test-context';
import type { TestWorld } from '../../support/test-context';

// Webhook deliveries and owner alerts are outbox rows written in the answer's transaction;
// the relay alone enqueues them, with the options it owns (docs/reliability.md).
let world: TestWorld;

beforeAll(async () => {
  world = await createTestWorld({
    env: { WEBHOOK_ALLOW_PRIVATE_URLS: 'true', WEBHOOK_ATTEMPTS: '7', WEBHOOK_BACKOFF_MS: '1234' },
  });
});
afterAll(async () => {
  await world.close();
});

async function pendingOutbox(workspaceId: string) {
  return world.ctx.db
    .selectFrom('outbox')
    .select(['topic', 'aggregate_id'])
    .where('workspace_id', '=', workspaceId)
    .where('published_at', 'is', null)
    .orderBy('id')
    .execute();
}

async function answerLow() {
  const { workspace, adminKey } = await buildWorkspace(world.ctx.db);
  await request(world.app)
    .post('/api/webhooks')
    .set(bearer(adminKey))
    .send({ url: 'http://127.0.0.1:9/hook', events: ['response.created', 'followup.created'] })
    .expect(201);
  await request(world.app)
    .post('/api/followups/rules')
    .set(bearer(adminKey))
    .send({ ownerEmail: 'lead@example.com', slaHours: 24 })
    .expect(201);
  const survey = await buildSurvey(world.ctx.db, workspace.id, { kind: 'nps' });
  const inv = await buildSentInvitation(world.ctx.db, {
    workspaceId: workspace.id,
    surveyId: survey.id,
  });
  await request(world.app)
    .post(`/s/${inv.token}`)
    .type('form')
    .send({ score: '2', comment: 'Slow' })
    .expect(200);
  return { workspace, adminKey };
}

describe('the hand-off from answers to the queues', () => {
  it('writes deliveries and the owner alert as outbox rows, and enqueues nothing itself', async () => {
    const { workspace } = await answerLow();
    const rows = await pendingOutbox(workspace.id);
    expect(rows.map((r) => r.topic).sort()).toEqual([
      'followup-alert',
      'webhook-delivery',
      'webhook-delivery',
    ]);
    const deliveries = await world.ctx.db
      .selectFrom('webhook_deliveries')
      .select(['id', 'event'])
      .where('workspace_id', '=', workspace.id)
      .execute();
    expect(deliveries.map((d) => d.event).sort()).toEqual(['followup.created', 'response.created']);
    const deliveryRows = rows.filter((r) => r.topic === 'webhook-delivery');
    expect(deliveryRows.map((r) => r.aggregate_id).sort()).toEqual(
      deliveries.map((d) => d.id).sort(),
    );
    const cases = await world.ctx.db
      .selectFrom('followup_cases')
      .select('id')
      .where('workspace_id', '=', workspace.id)
      .execute();
    expect(rows.find((r) => r.topic === 'followup-alert')?.aggregate_id).toBe(cases[0]?.id);

    // Nothing reached Redis before the relay ran.
    for (const d of deliveries) {
      expect(await world.ctx.queues.get('webhook-delivery').getJob(`delivery-${d.id}`)).toBe(
        undefined,
      );
    }
  });

  it('relays each row once, with the job options the relay owns', async () => {
    const { workspace } = await answerLow();
    const rows = await pendingOutbox(workspace.id);
    await world.relay();
    expect(await pendingOutbox(workspace.id)).toEqual([]);
    for (const row of rows) {
      const job =
        row.topic === 'webhook-delivery'
          ? await world.ctx.queues.get('webhook-delivery').getJob(`delivery-${row.aggregate_id}`)
          : await world.ctx.queues.get('followup-alert').getJob(`followup-${row.aggregate_id}`);
      expect(job?.data.workspaceId).toBe(workspace.id);
      if (row.topic === 'webhook-delivery') {
        expect(job?.opts.attempts).toBe(7);
        expect(job?.opts.backoff).toMatchObject({ type: 'exponential', delay: 1234 });
      } else {
        expect(job?.opts.attempts).toBe(5);
      }
    }
    // A row relayed again (a crash between add and mark) adds no second job.
    await world.ctx.db
      .updateTable('outbox')
      .set({ published_at: null })
      .where('workspace_id', '=', workspace.id)
      .execute();
    await world.relay();
    const waiting = await world.ctx.queues.get('webhook-delivery').getJobs(['waiting', 'delayed']);
    const mine = waiting.filter((j) => j.data.workspaceId === workspace.id);
    expect(mine).toHaveLength(2);
  });

  it('gives a replayed delivery its own outbox row', async () => {
    const { workspace, adminKey } = await answerLow();
    await world.relay();
    const hooks = await request(world.app).get('/api/webhooks').set(bearer(adminKey)).expect(200);
    const hookId = hooks.body.data[0].id as string;
    const list = await request(world.app)
      .get(`/api/webhooks/${hookId}/deliveries`)
      .set(bearer(adminKey))
      .expect(200);
    const original = list.body.data[0].id as string;
    const replay = await request(world.app)
      .post(`/api/webhooks/${hookId}/deliveries/${original}/replay`)
      .set(bearer(adminKey))
      .expect(202);
    const rows = await pendingOutbox(workspace.id);
    expect(rows).toEqual([{ topic: 'webhook-delivery', aggregate_id: replay.body.id }]);
  });
});
