import type { Job } from 'bullmq';
import { maintenanceJob } from '../../../src/jobs/maintenance.job';
import type { JobPayloads } from '../../../src/jobs/queues';
import { SCHEDULES } from '../../../src/jobs/schedules';
import { buildWorkspace } from '../../support/factories';
import { buildUser, signIn } from '../../support/dashboard-factories';
import { createTestWorld } from '../../support/test-context';
import type { TestWorld } from '../../support/test-context';

let world: TestWorld;

beforeAll(async () => {
  world = await createTestWorld({ env: { SESSION_IDLE_MINUTES: '30' } });
});

afterAll(async () => {
  await world.close();
});

const purgeJob = { data: { task: 'purge-sessions' } } as Job<JobPayloads['maintenance']>;

describe('maintenance task purge-sessions', () => {
  it('runs on a schedule', () => {
    expect(SCHEDULES.map((s) => s.task)).toContain('purge-sessions');
  });

  it('deletes idle and expired sessions and keeps live ones', async () => {
    const { workspace } = await buildWorkspace(world.ctx.db);
    const idle = await buildUser(world.ctx.db, workspace.id, 'manager');
    const expired = await buildUser(world.ctx.db, workspace.id, 'manager');
    const live = await buildUser(world.ctx.db, workspace.id, 'manager');
    for (const u of [idle, expired, live]) {
      await signIn(world.app, u.email);
    }
    const now = world.ctx.clock.now();
    await world.ctx.db
      .updateTable('sessions')
      .set({ last_seen_at: new Date(now.getTime() - 31 * 60_000) })
      .where('user_id', '=', idle.id)
      .execute();
    await world.ctx.db
      .updateTable('sessions')
      .set({ expires_at: new Date(now.getTime() - 1_000) })
      .where('user_id', '=', expired.id)
      .execute();

    const result = await maintenanceJob(world.ctx, purgeJob);

    expect(result).toEqual({ purged: 2 });
    const left = await world.ctx.db.selectFrom('sessions').select('user_id').execute();
    expect(left.map((s) => s.user_id)).toEqual([live.id]);
  });
});
