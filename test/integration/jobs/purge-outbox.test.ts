import type { Job } from 'bullmq';
import { maintenanceJob } from '../../../src/jobs/maintenance.job';
import { OUTBOX_KEEP_DAYS } from '../../../src/jobs/outbox-relay.job';
import type { JobPayloads } from '../../../src/jobs/queues';
import { SCHEDULES } from '../../../src/jobs/schedules';
import { buildWorkspace } from '../../support/factories';
import { createTestWorld } from '../../support/test-context';
import type { TestWorld } from '../../support/test-context';

let world: TestWorld;

beforeAll(async () => {
  world = await createTestWorld();
});

afterAll(async () => {
  await world.close();
});

const purgeJob = { data: { task: 'purge-outbox' } } as Job<JobPayloads['maintenance']>;
const DAY = 86_400_000;

describe('maintenance task purge-outbox', () => {
  it('runs on a schedule', () => {
    expect(SCHEDULES.map((s) => s.task)).toContain('purge-outbox');
  });

  it('deletes rows published and due over a week ago and keeps pending and recent ones', async () => {
    const { workspace } = await buildWorkspace(world.ctx.db);
    const now = world.ctx.clock.now().getTime();
    const old = new Date(now - (OUTBOX_KEEP_DAYS + 1) * DAY);
    const recent = new Date(now - DAY);
    const row = (name: string, available: Date, published: Date | null) => ({
      workspace_id: workspace.id,
      topic: 'webhook-delivery' as const,
      aggregate_id: `00000000-0000-4000-8000-${name.padStart(12, '0')}`,
      available_at: available,
      created_at: available,
      published_at: published,
    });
    await world.ctx.db
      .insertInto('outbox')
      .values([
        row('1', old, old), // purged
        row('2', old, old), // purged
        row('3', old, null), // pending for over a week: kept, the relay still owes it
        row('4', old, recent), // published recently: kept for the reconciler
        row('5', recent, old), // published long ago, due recently (a delayed job): kept
      ])
      .execute();

    expect(await maintenanceJob(world.ctx, purgeJob)).toEqual({ purged: 2 });
    const left = await world.ctx.db
      .selectFrom('outbox')
      .select('aggregate_id')
      .where('workspace_id', '=', workspace.id)
      .orderBy('aggregate_id')
      .execute();
    expect(left.map((r) => r.aggregate_id.slice(-1))).toEqual(['3', '4', '5']);
    expect(await maintenanceJob(world.ctx, purgeJob)).toEqual({ purged: 0 });
  });
});
