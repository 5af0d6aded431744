import request from 'supertest';
import { bearer, buildWorkspace } from '../../support/factories';
import { createTestWorld } from '../../support/test-context';
import type { TestWorld } from '../../support/test-context';

let world: TestWorld;

beforeAll(async () => {
  world = await createTestWorld();
  world.startWorkers();
});
afterAll(async () => {
  await world.close();
});

/** The path and query of an absolute link in a mail, for supertest. */
const pathOf = (url: string) => new URL(url).pathname;

describe('the first survey loop', () => {
  it('sends an NPS invitation after an event and scores the click, end to end', async () => {
    const { workspace, adminKey } = await buildWorkspace(world.ctx.db, 'Loop Co');

    const created = await request(world.app)
      .post('/api/surveys')
      .set(bearer(adminKey))
      .send({
        kind: 'nps',
        name: 'After support',
        trigger: { eventType: 'ticket.closed', delaySeconds: 0 },
      })
      .expect(201);
    expect(created.body).toMatchObject({
      kind: 'nps',
      status: 'draft',
      trigger: { eventType: 'ticket.closed' },
    });
    const surveyId = created.body.id as string;

    await request(world.app)
      .post(`/api/surveys/${surveyId}/launch`)
      .set(bearer(adminKey))
      .expect(200)
      .expect((res) => expect(res.body.status).toBe('active'));

    const accepted = await request(world.app)
      .post('/api/events')
      .set(bearer(adminKey))
      .send({
        type: 'ticket.closed',
        contact: { email: 'ana@example.com', name: 'Ana', locale: 'hr-HR' },
        properties: { team: 'billing' },
      })
      .expect(202);
    expect(accepted.body.invitations).toHaveLength(1);
    const invitationId = accepted.body.invitations[0].id as string;

    await world.relay();
    const [mail] = await world.smtp.waitForMails(1);
    expect(mail!.to).toEqual(['ana@example.com']);
    expect(mail!.invitationId).toBe(invitationId);
    expect(mail!.raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r?$/m);
    const unfolded = mail!.raw.replace(/\r?\n[ \t]+/g, ' ');
    expect(unfolded).toMatch(
      /^List-Unsubscribe: +<http:\/\/glas\.test\/u\/[A-Za-z0-9_-]{43}>\r?$/m,
    );
    expect(mail!.parsed.subject).toContain('Loop Co');
    const html = String(mail!.parsed.html);
    // Score links only: the email also carries a hidden honeypot link (docs/collector.md).
    const links = [...html.matchAll(/href="(http:\/\/glas\.test\/s\/[^"]+\/\d+)"/g)].map(
      (m) => m[1]!,
    );
    expect(links).toHaveLength(11);
    expect(links.map((l) => l.split('/').pop())).toEqual([
      '0',
      '1',
      '2',
      '3',
      '4',
      '5',
      '6',
      '7',
      '8',
      '9',
      '10',
    ]);
    expect(mail!.parsed.text).toContain(links[9]);

    const nine = pathOf(links[9]!);
    const page = await request(world.app).get(nine).expect(200);
    expect(page.text).toContain('lang="hr"');
    expect(page.text).toMatch(/<textarea[^>]+name="comment"/);
    expect(page.headers['referrer-policy']).toBe('no-referrer');

    // Clicking again with another score changes the answer; it never adds a second one.
    await request(world.app).get(pathOf(links[10]!)).expect(200);
    await request(world.app)
      .post(nine)
      .type('form')
      .send({ score: '9', comment: 'Brzo i ljubazno <b>hvala</b>' })
      .expect(200)
      .expect((res) => expect(res.text).toContain('&lt;b&gt;hvala&lt;/b&gt;'));

    const responses = await world.ctx.db.selectFrom('responses').selectAll().execute();
    expect(responses).toHaveLength(1);
    expect(responses[0]).toMatchObject({
      score: 9,
      comment: 'Brzo i ljubazno <b>hvala</b>',
      locale: 'hr',
    });
    expect(responses[0]!.workspace_id).toBe(workspace.id);

    const metrics = await request(world.app)
      .get(`/api/surveys/${surveyId}/metrics`)
      .set(bearer(adminKey))
      .expect(200);
    expect(metrics.body.nps).toMatchObject({
      score: 100,
      n: 1,
      promoters: 1,
      passives: 0,
      detractors: 0,
    });
  });

  it('counts promoters, passives and detractors across many answers', async () => {
    const { adminKey } = await buildWorkspace(world.ctx.db);
    const survey = await request(world.app)
      .post('/api/surveys')
      .set(bearer(adminKey))
      .send({ kind: 'nps', name: 'Orders', trigger: { eventType: 'order.delivered' } })
      .expect(201);
    await request(world.app)
      .post(`/api/surveys/${survey.body.id}/launch`)
      .set(bearer(adminKey))
      .expect(200);
    const scores = [10, 9, 8, 7, 6, 0];
    const before = world.smtp.inbox.length;
    for (const [i] of scores.entries()) {
      await request(world.app)
        .post('/api/events')
        .set(bearer(adminKey))
        .send({ type: 'order.delivered', contact: { email: `c${i}@example.com` } })
        .expect(202);
    }
    await world.relay();
    await world.smtp.waitForMails(before + scores.length);
    const mails = world.smtp.inbox.slice(before);
    for (const [i, score] of scores.entries()) {
      const mail = mails.find((m) => m.to[0] === `c${i}@example.com`)!;
      const link = String(mail.parsed.text).match(/http:\/\/glas\.test\/s\/[A-Za-z0-9_-]+/)![0];
      const page = await request(world.app)
        .get(`${pathOf(link)}/${score}`)
        .expect(200);
      // A bare link fetch is provisional; the browser fetching the page's beacon stylesheet
      // is the human signal that makes it count (docs/collector.md).
      const beacon = /<link rel="stylesheet" href="(\/s\/[^"]+\/seen\.css)">/.exec(page.text)![1]!;
      await request(world.app).get(beacon).expect(200);
    }
    const metrics = await request(world.app)
      .get(`/api/surveys/${survey.body.id}/metrics`)
      .set(bearer(adminKey))
      .expect(200);
    // (2 promoters − 2 detractors) / 6 = 0 points
    expect(metrics.body.nps).toMatchObject({
      score: 0,
      n: 6,
      promoters: 2,
      passives: 2,
      detractors: 2,
    });
    expect(metrics.body.nps.tooFewResponses).toBe(true);
    expect(metrics.body.nps.interval.displayLower).toBeLessThan(0);
  });
});
