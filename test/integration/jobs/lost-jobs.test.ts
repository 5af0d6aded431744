import type { Job } from 'bullmq';
import request from 'supertest';
import { maintenanceJob } from '../../../src/jobs/maintenance.job';
import { lostAfterMs } from '../../../src/jobs/outbox-relay.job';
import type { JobPayloads } from '../../../src/jobs/queues';
import { buildSentInvitation } from '../../support/collector-factories';
import { bearer, buildSurvey, buildWorkspace } from '../../support/factories';
import { createTestWorld } from '../../support/test-context';
import type { TestWorld } from '../../support/test-context';

// Redis lost its data after the relay handed it a webhook delivery, a chat alert and an owner
// alert: the reconciler gives each a fresh outbox row once its job should have run, and only
// then; a job that is still in Redis is not doubled.
let now = new Date('2026-03-02T10:00:00Z');
const clock = { now: () => now };
let world: TestWorld;

beforeAll(async () => {
  world = await createTestWorld({
    clock,
    env: {
      WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
      WEBHOOK_ATTEMPTS: '3',
      WEBHOOK_BACKOFF_MS: '60000',
      RECONCILE_OVERDUE_MS: '300000',
    },
  });
});
afterAll(async () => {
  await world.close();
});

const reconcile = { data: { task: 'reconcile-invitations' } } as Job<JobPayloads['maintenance']>;
const QUEUES = ['webhook-delivery', 'chat-alert', 'followup-alert'] as const;

async function jobsOf(workspaceId: string) {
  const all = await Promise.all(
    QUEUES.map((q) => world.ctx.queues.get(q).getJobs(['waiting', 'delayed', 'active'])),
  );
  return all
    .flat()
    .filter((j) => j.data.workspaceId === workspaceId)
    .map((j) => j.id!)
    .sort();
}

describe('the reconciler after Redis lost the relayed jobs', () => {
  it('re-creates lost webhook, chat and owner-alert jobs once, and leaves live ones alone', async () => {
    const { workspace, adminKey } = await buildWorkspace(world.ctx.db);
    await request(world.app)
      .post('/api/webhooks')
      .set(bearer(adminKey))
      .send({ url: 'http://127.0.0.1:9/hook', events: ['response.created'] })
      .expect(201);
    await request(world.app)
      .post('/api/chat-alerts')
      .set(bearer(adminKey))
      .send({ platform: 'slack', name: '#all', url: 'http://127.0.0.1:9/services/T/B/X' })
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
    await world.relay();
    const live = await jobsOf(workspace.id);
    expect(live).toHaveLength(3);

    // Within the lost-after period nothing is written, and live jobs are never doubled.
    now = new Date(now.getTime() + 10 * 60_000);
    await maintenanceJob(world.ctx, reconcile);
    await world.relay();
    expect(await jobsOf(workspace.id)).toEqual(live);

    // Redis loses everything it held for this workspace.
    for (const q of QUEUES) {
      for (const job of await world.ctx.queues.get(q).getJobs(['waiting', 'delayed'])) {
        if (job.data.workspaceId === workspace.id) {
          await job.remove();
        }
      }
    }
    expect(await jobsOf(workspace.id)).toEqual([]);

    now = new Date(now.getTime() + lostAfterMs(3, 60_000, 300_000));
    const result = (await maintenanceJob(world.ctx, reconcile)) as { lost: unknown };
    expect(result.lost).toEqual({ webhookDeliveries: 1, chatAlerts: 1, caseAlerts: 1 });
    await world.relay();
    expect(await jobsOf(workspace.id)).toEqual(live);

    // The fresh rows count as recent: the next tick writes nothing more.
    const again = (await maintenanceJob(world.ctx, reconcile)) as { lost: unknown };
    expect(again.lost).toEqual({ webhookDeliveries: 0, chatAlerts: 0, caseAlerts: 0 });
  });

  it('leaves finished deliveries and sent owner alerts alone', async () => {
    const { workspace, adminKey } = await buildWorkspace(world.ctx.db);
    await request(world.app)
      .post('/api/webhooks')
      .set(bearer(adminKey))
      .send({ url: 'http://127.0.0.1:9/hook', events: ['response.created'] })
      .expect(201);
    const survey = await buildSurvey(world.ctx.db, workspace.id, { kind: 'nps' });
    const inv = await buildSentInvitation(world.ctx.db, {
      workspaceId: workspace.id,
      surveyId: survey.id,
    });
    await request(world.app).post(`/s/${inv.token}`).type('form').send({ score: '9' }).expect(200);
    await world.relay();
    await world.ctx.db
      .updateTable('webhook_deliveries')
      .set({ status: 'failed' })
      .where('workspace_id', '=', workspace.id)
      .execute();
    now = new Date(now.getTime() + 2 * 86_400_000);
    await maintenanceJob(world.ctx, reconcile);
    const pending = await world.ctx.db
      .selectFrom('outbox')
      .select('topic')
      .where('workspace_id', '=', workspace.id)
      .where('published_at', 'is', null)
      .execute();
    expect(pending).toEqual([]);
  });
});
