import request from 'supertest';
import { bearer, buildApiKey, buildWorkspace } from '../../support/factories';
import { createTestWorld } from '../../support/test-context';
import type { TestWorld } from '../../support/test-context';

let world: TestWorld;
beforeAll(async () => {
  world = await createTestWorld({ env: { RATE_LIMIT_SURVEY_PER_MINUTE: '100000' } });
});
afterAll(async () => {
  await world.close();
});

const survey = {
  kind: 'csat',
  name: 'After delivery',
  trigger: { eventType: 'order.delivered', samplingRate: 0.5, quietPeriodDays: 30 },
  reminderAfterDays: 3,
};

describe('surveys API', () => {
  it('walks draft → active → paused → active → closed, refusing impossible moves with 409', async () => {
    const { adminKey } = await buildWorkspace(world.ctx.db);
    const created = await request(world.app)
      .post('/api/surveys')
      .set(bearer(adminKey))
      .send(survey)
      .expect(201);
    expect(created.body).toMatchObject({
      status: 'draft',
      trigger: { samplingRate: 0.5, quietPeriodDays: 30, sendWindow: null, delaySeconds: 0 },
      reminderAfterDays: 3,
    });
    const id = created.body.id as string;
    await request(world.app).post(`/api/surveys/${id}/pause`).set(bearer(adminKey)).expect(409);
    await request(world.app).post(`/api/surveys/${id}/launch`).set(bearer(adminKey)).expect(200);
    await request(world.app)
      .patch(`/api/surveys/${id}`)
      .set(bearer(adminKey))
      .send({ kind: 'nps' })
      .expect(409);
    await request(world.app).post(`/api/surveys/${id}/pause`).set(bearer(adminKey)).expect(200);
    await request(world.app).post(`/api/surveys/${id}/launch`).set(bearer(adminKey)).expect(200);
    await request(world.app).delete(`/api/surveys/${id}`).set(bearer(adminKey)).expect(409);
    const closed = await request(world.app)
      .post(`/api/surveys/${id}/close`)
      .set(bearer(adminKey))
      .expect(200);
    expect(closed.body.status).toBe('closed');
    const relaunch = await request(world.app)
      .post(`/api/surveys/${id}/launch`)
      .set(bearer(adminKey))
      .expect(409);
    expect(relaunch.body.error.code).toBe('survey_closed');
    await request(world.app)
      .patch(`/api/surveys/${id}`)
      .set(bearer(adminKey))
      .send({ name: 'x' })
      .expect(409);
  });

  it('filters and pages the list, and deletes an unused draft', async () => {
    const { adminKey } = await buildWorkspace(world.ctx.db);
    for (const name of ['Alpha NPS', 'Beta', 'Gamma']) {
      await request(world.app)
        .post('/api/surveys')
        .set(bearer(adminKey))
        .send({ ...survey, name })
        .expect(201);
    }
    const page1 = await request(world.app)
      .get('/api/surveys?limit=2')
      .set(bearer(adminKey))
      .expect(200);
    expect(page1.body.data).toHaveLength(2);
    const page2 = await request(world.app)
      .get(`/api/surveys?limit=2&cursor=${page1.body.nextCursor}`)
      .set(bearer(adminKey))
      .expect(200);
    expect(page2.body.data).toHaveLength(1);
    expect(page2.body.nextCursor).toBeNull();
    const q = await request(world.app)
      .get('/api/surveys?q=alpha&kind=csat&status=draft')
      .set(bearer(adminKey))
      .expect(200);
    expect(q.body.data.map((s: { name: string }) => s.name)).toEqual(['Alpha NPS']);
    await request(world.app)
      .delete(`/api/surveys/${q.body.data[0].id}`)
      .set(bearer(adminKey))
      .expect(204);
    await request(world.app)
      .get(`/api/surveys/${q.body.data[0].id}`)
      .set(bearer(adminKey))
      .expect(404);
  });

  it('rejects bad input with 400 naming the field, mass assignment included', async () => {
    const { adminKey } = await buildWorkspace(world.ctx.db);
    const cases: [object, string][] = [
      [{ ...survey, trigger: { ...survey.trigger, samplingRate: 2 } }, 'trigger.samplingRate'],
      [
        {
          ...survey,
          trigger: {
            ...survey.trigger,
            sendWindow: { days: ['mon'], start: '18:00', end: '09:00' },
          },
        },
        'trigger.sendWindow.end',
      ],
      [
        {
          ...survey,
          trigger: {
            ...survey.trigger,
            sendWindow: { days: ['funday'], start: '09:00', end: '18:00' },
          },
        },
        'trigger.sendWindow.days.0',
      ],
      [{ ...survey, name: 'Bad\r\nBcc: x' }, 'name'],
      [
        { ...survey, texts: { en: { emailSubject: 'Hi\nBcc: x@example.com' } } },
        'texts.en.emailSubject',
      ],
      [{ ...survey, status: 'active' }, 'status'],
      [{ ...survey, workspaceId: '00000000-0000-0000-0000-000000000000' }, 'workspaceId'],
    ];
    for (const [body, field] of cases) {
      const res = await request(world.app)
        .post('/api/surveys')
        .set(bearer(adminKey))
        .send(body)
        .expect(400);
      expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
    }
    await request(world.app).get('/api/surveys?limit=100000').set(bearer(adminKey)).expect(400);
    await request(world.app).get('/api/surveys/not-a-uuid').set(bearer(adminKey)).expect(400);
  });

  it('keeps other workspaces out and executives read-only', async () => {
    const a = await buildWorkspace(world.ctx.db);
    const b = await buildWorkspace(world.ctx.db);
    const created = await request(world.app)
      .post('/api/surveys')
      .set(bearer(a.adminKey))
      .send(survey)
      .expect(201);
    const id = created.body.id as string;
    await request(world.app).get(`/api/surveys/${id}`).set(bearer(b.adminKey)).expect(404);
    await request(world.app)
      .patch(`/api/surveys/${id}`)
      .set(bearer(b.adminKey))
      .send({ name: 'mine' })
      .expect(404);
    await request(world.app).post(`/api/surveys/${id}/launch`).set(bearer(b.adminKey)).expect(404);
    const exec = await buildApiKey(world.ctx.db, a.workspace.id, 'executive');
    await request(world.app).get(`/api/surveys/${id}`).set(bearer(exec)).expect(200);
    await request(world.app).post(`/api/surveys/${id}/launch`).set(bearer(exec)).expect(403);
    const unchanged = await request(world.app)
      .get(`/api/surveys/${id}`)
      .set(bearer(a.adminKey))
      .expect(200);
    expect(unchanged.body).toMatchObject({ status: 'draft', name: survey.name });
  });
});

describe('contacts API', () => {
  it('upserts by email, then by external id, patches, erases and keeps the unsubscribe', async () => {
    const { adminKey } = await buildWorkspace(world.ctx.db);
    const first = await request(world.app)
      .post('/api/contacts')
      .set(bearer(adminKey))
      .send({
        email: 'Mia@Example.com',
        name: 'Mia',
        timeZone: 'Europe/Belgrade',
        properties: { plan: 'pro' },
      })
      .expect(201);
    const again = await request(world.app)
      .post('/api/contacts')
      .set(bearer(adminKey))
      .send({ email: 'mia@example.com', externalId: 'crm-7', properties: { region: 'rs' } })
      .expect(200);
    expect(again.body).toMatchObject({
      id: first.body.id,
      externalId: 'crm-7',
      name: 'Mia',
      properties: { plan: 'pro', region: 'rs' },
    });
    const moved = await request(world.app)
      .post('/api/contacts')
      .set(bearer(adminKey))
      .send({ email: 'mia.new@example.com', externalId: 'crm-7' })
      .expect(200);
    expect(moved.body).toMatchObject({ id: first.body.id, email: 'mia.new@example.com' });
    const patched = await request(world.app)
      .patch(`/api/contacts/${first.body.id}`)
      .set(bearer(adminKey))
      .send({ locale: 'sr-Cyrl', properties: { plan: null, team: 'b2b' } })
      .expect(200);
    expect(patched.body.properties).toEqual({ region: 'rs', team: 'b2b' });
    await request(world.app)
      .patch(`/api/contacts/${first.body.id}`)
      .set(bearer(adminKey))
      .send({ timeZone: 'Mars/Olympus' })
      .expect(400);
    await request(world.app)
      .patch(`/api/contacts/${first.body.id}`)
      .set(bearer(adminKey))
      .send({ name: 'x\r\ny' })
      .expect(400);
    const other = await request(world.app)
      .post('/api/contacts')
      .set(bearer(adminKey))
      .send({ email: 'other@example.com' })
      .expect(201);
    const clash = await request(world.app)
      .patch(`/api/contacts/${other.body.id}`)
      .set(bearer(adminKey))
      .send({ email: 'MIA.NEW@example.com' })
      .expect(409);
    expect(clash.body.error.details[0].field).toBe('email');

    await request(world.app)
      .post('/api/unsubscribes')
      .set(bearer(adminKey))
      .send({ email: 'mia.new@example.com' })
      .expect(201);
    await request(world.app)
      .post('/api/unsubscribes')
      .set(bearer(adminKey))
      .send({ email: 'mia.new@example.com' })
      .expect(200);
    await request(world.app)
      .delete(`/api/contacts/${first.body.id}`)
      .set(bearer(adminKey))
      .expect(204);
    await request(world.app)
      .get(`/api/contacts/${first.body.id}`)
      .set(bearer(adminKey))
      .expect(404);
    const emails = await world.ctx.db.selectFrom('contacts').select('email').execute();
    expect(emails.map((e) => e.email)).not.toContain('mia.new@example.com');
    // The address comes back through an event: still unsubscribed.
    const back = await request(world.app)
      .post('/api/contacts')
      .set(bearer(adminKey))
      .send({ email: 'mia.new@example.com' })
      .expect(201);
    expect(back.body.unsubscribedAt).not.toBeNull();
    await request(world.app)
      .delete(`/api/unsubscribes/${back.body.id}`)
      .set(bearer(adminKey))
      .expect(204);
    await request(world.app)
      .delete(`/api/unsubscribes/${back.body.id}`)
      .set(bearer(adminKey))
      .expect(404);
    const list = await request(world.app)
      .get('/api/unsubscribes')
      .set(bearer(adminKey))
      .expect(200);
    expect(list.body.data).toEqual([]);
  });

  it('hides contacts from other workspaces', async () => {
    const a = await buildWorkspace(world.ctx.db);
    const b = await buildWorkspace(world.ctx.db);
    const c = await request(world.app)
      .post('/api/contacts')
      .set(bearer(a.adminKey))
      .send({ email: 'p@example.com' })
      .expect(201);
    await request(world.app).get(`/api/contacts/${c.body.id}`).set(bearer(b.adminKey)).expect(404);
    await request(world.app)
      .delete(`/api/contacts/${c.body.id}`)
      .set(bearer(b.adminKey))
      .expect(404);
    await request(world.app)
      .delete(`/api/bounces/${c.body.id}`)
      .set(bearer(b.adminKey))
      .expect(404);
    const listed = await request(world.app)
      .get('/api/contacts?email=p@example.com')
      .set(bearer(b.adminKey))
      .expect(200);
    expect(listed.body.data).toEqual([]);
  });
});
