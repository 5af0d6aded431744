import request from 'supertest';
import { bearer, buildSurvey, buildWorkspace } from '../../support/factories';
import { buildUser, signIn } from '../../support/dashboard-factories';
import { createTestWorld } from '../../support/test-context';
import type { TestWorld } from '../../support/test-context';

let world: TestWorld;
beforeAll(async () => {
  world = await createTestWorld();
});
afterAll(async () => {
  await world.close();
});

describe('dashboard Settings → Metric alerts', () => {
  it('lists the workspace’s rules with their state, and deletes one', async () => {
    const { workspace, adminKey } = await buildWorkspace(world.ctx.db);
    const other = await buildWorkspace(world.ctx.db);
    const survey = await buildSurvey(world.ctx.db, workspace.id, { name: 'Support' });
    const otherSurvey = await buildSurvey(world.ctx.db, other.workspace.id, { name: 'Theirs' });
    const body = {
      condition: 'low_volume',
      windowDays: 1,
      channel: 'email',
      email: 'ops@example.com',
    };
    const created = await request(world.app)
      .post('/api/metric-alerts')
      .set(bearer(adminKey))
      .send({ ...body, name: 'Support <volume>', surveyId: survey.id })
      .expect(201);
    await request(world.app)
      .post('/api/metric-alerts')
      .set(bearer(other.adminKey))
      .send({ ...body, name: 'Their volume', surveyId: otherSurvey.id })
      .expect(201);
    const user = await buildUser(world.ctx.db, workspace.id, 'admin');
    const { agent, csrf } = await signIn(world.app, user.email);

    const page = await agent.get('/dashboard/settings/metric-alerts').expect(200);
    expect(page.text).toContain('Support &lt;volume&gt;');
    expect(page.text).toContain('Low response volume on Support');
    expect(page.text).toContain('not checked yet');
    expect(page.text).not.toContain('Their volume');

    await agent
      .post(`/dashboard/settings/metric-alerts/${created.body.id as string}/delete`)
      .type('form')
      .send({ _csrf: csrf })
      .expect(303);
    const after = await agent.get('/dashboard/settings/metric-alerts').expect(200);
    expect(after.text).toContain('No metric alerts yet.');
  });
});
