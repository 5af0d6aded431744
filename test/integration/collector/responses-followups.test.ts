import request from 'supertest';
import { buildSentInvitation } from '../../support/collector-factories';
import { bearer, buildApiKey, buildSurvey, buildWorkspace } from '../../support/factories';
import { createTestWorld } from '../../support/test-context';
import type { TestWorld } from '../../support/test-context';

let world: TestWorld;

beforeAll(async () => {
  world = await createTestWorld({ env: { RATE_LIMIT_SURVEY_PER_MINUTE: '100000' } });
  world.startWorkers({ relay: true });
});
afterAll(async () => {
  await world.close();
});

describe('/api/responses', () => {
  it('imports history, filters, pages with a cursor, and hides other workspaces', async () => {
    const { workspace, adminKey } = await buildWorkspace(world.ctx.db);
    const other = await buildWorkspace(world.ctx.db);
    const survey = await buildSurvey(world.ctx.db, workspace.id, { kind: 'nps' });
    const rows = [10, 9, 8, 6, 3].map((score, i) => ({
      surveyId: survey.id,
      score,
      createdAt: `2025-0${i + 1}-15T10:00:00Z`,
      externalId: `old-${i}`,
      segment: { team: i % 2 ? 'billing' : 'support' },
      ...(i === 0 ? { comment: 'Great' } : {}),
    }));
    const imported = await request(world.app)
      .post('/api/responses')
      .set(bearer(adminKey))
      .send({ responses: rows })
      .expect(201);
    expect(imported.body).toMatchObject({ imported: 5, skipped: 0 });
    const again = await request(world.app)
      .post('/api/responses')
      .set(bearer(adminKey))
      .send({ responses: rows })
      .expect(201);
    expect(again.body).toMatchObject({ imported: 0, skipped: 5 });

    const bad = await request(world.app)
      .post('/api/responses')
      .set(bearer(adminKey))
      .send({ responses: [{ ...rows[0], score: 11, externalId: 'x' }] })
      .expect(400);
    expect(bad.body.error.details[0].field).toBe('responses.0.score');

    const page1 = await request(world.app)
      .get('/api/responses?limit=2')
      .set(bearer(adminKey))
      .expect(200);
    expect(page1.body.data.map((r: { score: number }) => r.score)).toEqual([3, 6]);
    expect(page1.body.data[0].createdAt).toBe('2025-05-15T10:00:00.000Z');
    const page2 = await request(world.app)
      .get(`/api/responses?limit=2&cursor=${page1.body.nextCursor}`)
      .set(bearer(adminKey))
      .expect(200);
    expect(page2.body.data.map((r: { score: number }) => r.score)).toEqual([8, 9]);

    const detractors = await request(world.app)
      .get('/api/responses?category=detractor&segmentProperty=team&segmentValue=billing')
      .set(bearer(adminKey))
      .expect(200);
    expect(detractors.body.data.map((r: { score: number }) => r.score)).toEqual([6]);
    const withComment = await request(world.app)
      .get('/api/responses?hasComment=true&since=2025-01-01T00:00:00Z&until=2025-02-01T00:00:00Z')
      .set(bearer(adminKey))
      .expect(200);
    expect(withComment.body.data).toHaveLength(1);

    await request(world.app).get('/api/responses?minScore=11').set(bearer(adminKey)).expect(400);
    await request(world.app).get('/api/responses?cursor=zzz').set(bearer(adminKey)).expect(400);
    const id = page1.body.data[0].id as string;
    await request(world.app).get(`/api/responses/${id}`).set(bearer(other.adminKey)).expect(404);
    await request(world.app)
      .patch(`/api/responses/${id}`)
      .set(bearer(other.adminKey))
      .send({ flagged: true })
      .expect(404);
    const foreign = await request(world.app)
      .get('/api/responses')
      .set(bearer(other.adminKey))
      .expect(200);
    expect(foreign.body.data).toHaveLength(0);
  });

  it('lets a manager re-include a flagged response and an executive only read', async () => {
    const { workspace, adminKey } = await buildWorkspace(world.ctx.db);
    const exec = await buildApiKey(world.ctx.db, workspace.id, 'executive');
    const survey = await buildSurvey(world.ctx.db, workspace.id, { kind: 'nps' });
    const { token } = await buildSentInvitation(world.ctx.db, {
      workspaceId: workspace.id,
      surveyId: survey.id,
    });
    await request(world.app).get(`/s/${token}/2`).expect(200);
    await request(world.app).get(`/s/${token}/9`).expect(200);
    const flagged = await request(world.app)
      .get('/api/responses?flagged=true')
      .set(bearer(adminKey))
      .expect(200);
    expect(flagged.body.data).toHaveLength(1);
    const id = flagged.body.data[0].id as string;
    await request(world.app)
      .patch(`/api/responses/${id}`)
      .set(bearer(exec))
      .send({ flagged: false })
      .expect(403);
    const reviewed = await request(world.app)
      .patch(`/api/responses/${id}`)
      .set(bearer(adminKey))
      .send({ flagged: false })
      .expect(200);
    expect(reviewed.body).toMatchObject({
      flagged: false,
      status: 'counted',
      confirmedVia: 'review',
      countsInScores: true,
    });
    const metrics = await request(world.app)
      .get(`/api/surveys/${survey.id}/metrics`)
      .set(bearer(adminKey))
      .expect(200);
    expect(metrics.body.n).toBe(1);
  });
});

describe('/api/followups (closed loop)', () => {
  it('opens a case for a detractor with the rule’s owner and SLA, alerts, and reports recovery', async () => {
    const { workspace, adminKey } = await buildWorkspace(world.ctx.db);
    await request(world.app)
      .post('/api/followups/rules')
      .set(bearer(adminKey))
      .send({ ownerEmail: 'lead@example.com', slaHours: 48 })
      .expect(201);
    await request(world.app)
      .post('/api/followups/rules')
      .set(bearer(adminKey))
      .send({ property: 'team', value: 'billing', ownerEmail: 'billing@example.com', slaHours: 4 })
      .expect(201);
    const survey = await buildSurvey(world.ctx.db, workspace.id, { kind: 'csat' });
    const inv = await buildSentInvitation(world.ctx.db, {
      workspaceId: workspace.id,
      surveyId: survey.id,
      segment: { team: 'billing' },
    });
    const happy = await buildSentInvitation(world.ctx.db, {
      workspaceId: workspace.id,
      surveyId: survey.id,
    });
    const before = world.smtp.inbox.length;
    await request(world.app)
      .post(`/s/${inv.token}`)
      .type('form')
      .send({ score: '2', comment: 'Nobody called back' })
      .expect(200);
    await request(world.app)
      .post(`/s/${happy.token}`)
      .type('form')
      .send({ score: '3' })
      .expect(200);

    const list = await request(world.app).get('/api/followups').set(bearer(adminKey)).expect(200);
    expect(list.body.data).toHaveLength(1);
    const c = list.body.data[0];
    expect(c).toMatchObject({
      status: 'open',
      score: 2,
      comment: 'Nobody called back',
      owner: { email: 'billing@example.com' },
    });
    expect(new Date(c.dueAt).getTime() - new Date(c.createdAt).getTime()).toBe(4 * 3_600_000);

    const mails = await world.smtp.waitForMails(before + 1);
    const alert = mails.at(-1)!;
    expect(alert.to).toEqual(['billing@example.com']);
    expect(String(alert.parsed.text)).toContain('Nobody called back');

    await request(world.app)
      .patch(`/api/followups/${c.id}`)
      .set(bearer(adminKey))
      .send({ status: 'contacted' })
      .expect(200);
    await request(world.app)
      .post(`/api/followups/${c.id}/notes`)
      .set(bearer(adminKey))
      .send({ body: 'Called, refund issued' })
      .expect(201);
    const resolved = await request(world.app)
      .patch(`/api/followups/${c.id}`)
      .set(bearer(adminKey))
      .send({ status: 'resolved' })
      .expect(200);
    expect(resolved.body.notes.map((n: { body: string }) => n.body)).toEqual([
      'Called, refund issued',
    ]);
    const back = await request(world.app)
      .patch(`/api/followups/${c.id}`)
      .set(bearer(adminKey))
      .send({ status: 'open' })
      .expect(409);
    expect(back.body.error.details[0].field).toBe('status');

    const year = new Date().getUTCFullYear();
    const recovery = await request(world.app)
      .get(
        `/api/followups/recovery?period=month&since=${year - 1}-01-01T00:00:00Z&until=${year + 1}-01-01T00:00:00Z`,
      )
      .set(bearer(adminKey))
      .expect(200);
    expect(recovery.body.data).toHaveLength(1);
    expect(recovery.body.data[0]).toMatchObject({
      cases: 1,
      contacted: 1,
      contactedWithinSla: 1,
      contactedWithinSlaShare: 1,
      resolved: 1,
    });
    expect(recovery.body.data[0].medianHoursToContact).toBeGreaterThanOrEqual(0);

    const other = await buildWorkspace(world.ctx.db);
    await request(world.app).get(`/api/followups/${c.id}`).set(bearer(other.adminKey)).expect(404);
  });
});
