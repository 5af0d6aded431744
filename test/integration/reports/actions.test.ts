import request from 'supertest';
import {
  bearer,
  buildApiKey,
  buildResponse,
  buildSurvey,
  buildWorkspace,
} from '../../support/factories';
import { createTestWorld } from '../../support/test-context';
import type { TestWorld } from '../../support/test-context';

let now = new Date('2026-06-01T12:00:00Z');
let world: TestWorld;

beforeAll(async () => {
  world = await createTestWorld({ clock: { now: () => now } });
});
afterAll(async () => {
  await world.close();
});

async function setup() {
  const { workspace, adminKey } = await buildWorkspace(world.ctx.db);
  const survey = await buildSurvey(world.ctx.db, workspace.id);
  const add = (score: number, createdAt: Date, team = 'billing') =>
    buildResponse(world.ctx.db, {
      workspaceId: workspace.id,
      surveyId: survey.id,
      score,
      createdAt,
      segment: { team },
    });
  return { workspace, adminKey, survey, add };
}

const days = (n: number) => new Date(now.getTime() + n * 86_400_000);

describe('/api/actions', () => {
  it('creates, lists, reads, updates and deletes an improvement action', async () => {
    const { adminKey, survey } = await setup();
    const created = await request(world.app)
      .post('/api/actions')
      .set(bearer(adminKey))
      .send({
        surveyId: survey.id,
        title: 'Call back billing detractors within a day',
        ownerName: 'Ana Horvat',
        ownerEmail: 'ana@example.com',
        dueDate: '2026-07-01',
        target: { type: 'segment', property: 'team', value: 'billing' },
      })
      .expect(201);
    expect(created.body).toMatchObject({
      surveyId: survey.id,
      status: 'open',
      owner: { name: 'Ana Horvat', email: 'ana@example.com' },
      target: { type: 'segment', property: 'team', value: 'billing' },
      overdue: false,
    });
    const id = created.body.id as string;

    const list = await request(world.app).get('/api/actions').set(bearer(adminKey)).expect(200);
    expect(list.body.data.map((a: { id: string }) => a.id)).toEqual([id]);

    await request(world.app)
      .patch(`/api/actions/${id}`)
      .set(bearer(adminKey))
      .send({ status: 'in_progress' })
      .expect(200)
      .expect((res) => expect(res.body.status).toBe('in_progress'));
    await request(world.app).get(`/api/actions/${id}`).set(bearer(adminKey)).expect(200);

    await request(world.app).delete(`/api/actions/${id}`).set(bearer(adminKey)).expect(204);
    await request(world.app).get(`/api/actions/${id}`).set(bearer(adminKey)).expect(404);
  });

  it('marks an action overdue once its due date has passed and it is not done', async () => {
    const { adminKey, survey } = await setup();
    const res = await request(world.app)
      .post('/api/actions')
      .set(bearer(adminKey))
      .send({ surveyId: survey.id, title: 'Fix the refund form', dueDate: '2026-05-20' })
      .expect(201);
    expect(res.body.overdue).toBe(true);
    const done = await request(world.app)
      .patch(`/api/actions/${res.body.id}`)
      .set(bearer(adminKey))
      .send({ status: 'done' })
      .expect(200);
    expect(done.body.overdue).toBe(false);
  });

  it('shows the before/after score of its target only once 30 responses arrived after it', async () => {
    const { adminKey, survey, add } = await setup();
    for (let i = 0; i < 30; i++) await add(i < 20 ? 2 : 10, days(-10)); // before: mostly detractors
    await add(0, days(-10), 'support'); // another segment: ignored
    const created = await request(world.app)
      .post('/api/actions')
      .set(bearer(adminKey))
      .send({
        surveyId: survey.id,
        title: 'Billing script',
        target: { type: 'segment', property: 'team', value: 'billing' },
      })
      .expect(201);
    expect(created.body.effect.before.n).toBe(30);
    expect(created.body.effect.before.score).toBeCloseTo(((10 - 20) / 30) * 100, 9);
    expect(created.body.effect.enoughAfter).toBe(false);
    expect(created.body.effect.change).toBeNull();

    now = days(5);
    for (let i = 0; i < 29; i++) await add(10, days(-1));
    const partial = await request(world.app)
      .get(`/api/actions/${created.body.id}`)
      .set(bearer(adminKey))
      .expect(200);
    expect(partial.body.effect.after.n).toBe(29);
    expect(partial.body.effect.enoughAfter).toBe(false);

    await add(9, days(-1));
    const full = await request(world.app)
      .get(`/api/actions/${created.body.id}`)
      .set(bearer(adminKey))
      .expect(200);
    expect(full.body.effect.enoughAfter).toBe(true);
    expect(full.body.effect.after.score).toBe(100);
    expect(full.body.effect.change).toMatchObject({ measure: 'npsPoints', significant: true });
    expect(full.body.effect.change.difference).toBeCloseTo(100 - ((10 - 20) / 30) * 100, 9);
    expect(full.body.effect.afterLink).toContain(`surveyId=${survey.id}`);
  });

  it('refuses bad input naming the field, and executives cannot write', async () => {
    const { workspace, adminKey, survey } = await setup();
    const bad = await request(world.app)
      .post('/api/actions')
      .set(bearer(adminKey))
      .send({
        surveyId: survey.id,
        title: 'a\r\nb',
        target: { type: 'galaxy' },
        dueDate: 'soon',
        extra: 1,
      })
      .expect(400);
    const fields = bad.body.error.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['title', 'dueDate', 'extra']));
    expect(fields.some((f: string) => f.startsWith('target'))).toBe(true);

    const exec = await buildApiKey(world.ctx.db, workspace.id, 'executive');
    await request(world.app)
      .post('/api/actions')
      .set(bearer(exec))
      .send({ surveyId: survey.id, title: 'x' })
      .expect(403);
    await request(world.app).get('/api/actions').set(bearer(exec)).expect(200);
  });

  it("keeps another workspace's actions and surveys out of reach", async () => {
    const mine = await setup();
    const theirs = await setup();
    const action = await request(world.app)
      .post('/api/actions')
      .set(bearer(theirs.adminKey))
      .send({ surveyId: theirs.survey.id, title: 'Theirs' })
      .expect(201);
    await request(world.app)
      .get(`/api/actions/${action.body.id}`)
      .set(bearer(mine.adminKey))
      .expect(404);
    await request(world.app)
      .patch(`/api/actions/${action.body.id}`)
      .set(bearer(mine.adminKey))
      .send({ status: 'done' })
      .expect(404);
    await request(world.app)
      .delete(`/api/actions/${action.body.id}`)
      .set(bearer(mine.adminKey))
      .expect(404);
    await request(world.app)
      .post('/api/actions')
      .set(bearer(mine.adminKey))
      .send({ surveyId: theirs.survey.id, title: 'Sneaky' })
      .expect(404);
    const list = await request(world.app)
      .get('/api/actions')
      .set(bearer(mine.adminKey))
      .expect(200);
    expect(list.body.data).toEqual([]);
  });
});
