import request from 'supertest';
import { buildSentInvitation } from '../../support/collector-factories';
import { bearer, buildSurvey, buildWorkspace } from '../../support/factories';
import { createTestWorld } from '../../support/test-context';
import type { TestWorld } from '../../support/test-context';

let world: TestWorld;

beforeAll(async () => {
  world = await createTestWorld({ env: { RATE_LIMIT_SURVEY_PER_MINUTE: '100000' } });
});
afterAll(async () => {
  await world.close();
});

async function setup(kind: 'nps' | 'csat' | 'ces' = 'nps', locale = 'en') {
  const { workspace, adminKey } = await buildWorkspace(world.ctx.db);
  const survey = await buildSurvey(world.ctx.db, workspace.id, { kind });
  const inv = await buildSentInvitation(world.ctx.db, {
    workspaceId: workspace.id,
    surveyId: survey.id,
    locale,
  });
  return { workspace, adminKey, survey, ...inv };
}

const responsesOf = (invitationId: string) =>
  world.ctx.db
    .selectFrom('responses')
    .selectAll()
    .where('invitation_id', '=', invitationId)
    .execute();

async function metrics(surveyId: string, key: string) {
  const res = await request(world.app)
    .get(`/api/surveys/${surveyId}/metrics`)
    .set(bearer(key))
    .expect(200);
  return res.body as { n: number };
}

describe('GET /s/:token/:score (scanner rule)', () => {
  it('keeps a bare link fetch provisional: stored, shown, not counted', async () => {
    const { token, invitation, survey, adminKey } = await setup();
    const page = await request(world.app).get(`/s/${token}/8`).expect(200);
    expect(page.text).toMatch(/<input type="radio" name="score" value="8" checked/);
    expect(page.text).toContain(`href="/s/${token}/seen.css"`);
    const [row] = await responsesOf(invitation.id);
    expect(row).toMatchObject({ score: 8, status: 'provisional', flagged: false });
    expect((await metrics(survey.id, adminKey)).n).toBe(0);
  });

  it('flags all eleven links fetched within two seconds and counts none of them', async () => {
    const { token, invitation, survey, adminKey } = await setup();
    await Promise.all(
      Array.from({ length: 11 }, (_, score) => request(world.app).get(`/s/${token}/${score}`)),
    );
    await request(world.app).get(`/s/${token}/info`).expect(200);
    const rows = await responsesOf(invitation.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'provisional', flagged: true });
    expect(rows[0]!.flag_reason).toBe('scanner_burst');
    expect((await metrics(survey.id, adminKey)).n).toBe(0);
  });

  it('keeps a rendering scanner that also fetched the beacon excluded (counted but flagged)', async () => {
    const { token, invitation, survey, adminKey } = await setup();
    for (const score of [0, 5, 10]) {
      await request(world.app).get(`/s/${token}/${score}`).expect(200);
      await request(world.app).get(`/s/${token}/seen.css`).expect(200);
    }
    const [row] = await responsesOf(invitation.id);
    expect(row).toMatchObject({ status: 'counted', flagged: true, flag_reason: 'scanner_burst' });
    expect((await metrics(survey.id, adminKey)).n).toBe(0);
  });

  it('flags a link fetch next to a honeypot hit', async () => {
    const { token, invitation } = await setup();
    await request(world.app).get(`/s/${token}/info`).expect(200);
    await request(world.app).get(`/s/${token}/3`).expect(200);
    const [row] = await responsesOf(invitation.id);
    expect(row).toMatchObject({ flagged: true, flag_reason: 'honeypot' });
  });

  it('counts a human flow: one click, then the follow-up form', async () => {
    const { token, invitation, survey, adminKey } = await setup();
    await request(world.app).get(`/s/${token}/9`).expect(200);
    await request(world.app)
      .post(`/s/${token}/9`)
      .type('form')
      .send({ score: '9', comment: 'Quick and kind' })
      .expect(200);
    const rows = await responsesOf(invitation.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      status: 'counted',
      confirmed_via: 'form',
      flagged: false,
      comment: 'Quick and kind',
    });
    expect((await metrics(survey.id, adminKey)).n).toBe(1);
  });

  it('counts a human whose email a scanner opened first, once the form is sent', async () => {
    const { token, invitation, survey, adminKey } = await setup();
    await Promise.all(
      Array.from({ length: 11 }, (_, score) => request(world.app).get(`/s/${token}/${score}`)),
    );
    await request(world.app).post(`/s/${token}`).type('form').send({ score: '4' }).expect(200);
    const [row] = await responsesOf(invitation.id);
    expect(row).toMatchObject({ score: 4, status: 'counted', flagged: false });
    expect((await metrics(survey.id, adminKey)).n).toBe(1);
  });

  it('stores one row for 50 parallel clicks with different scores', async () => {
    const { token, invitation } = await setup();
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => request(world.app).get(`/s/${token}/${i % 11}`)),
    );
    expect(results.map((r) => r.status)).toEqual(Array.from({ length: 50 }, () => 200));
    await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        request(world.app)
          .post(`/s/${token}`)
          .type('form')
          .send({ score: String(i), comment: `c${i}` })
          .expect(200),
      ),
    );
    const rows = await responsesOf(invitation.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.status).toBe('counted');
  });
});

describe('survey page errors are pages, never JSON or 500', () => {
  it('answers 404 for unknown and malformed tokens', async () => {
    for (const path of ['/s/' + 'A'.repeat(43), '/s/short', '/s/' + 'A'.repeat(43) + '/5']) {
      const res = await request(world.app).get(path).expect(404);
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(res.text).toContain('Survey not found');
    }
  });

  it('answers 400 for out-of-range and malformed scores, in the contact’s language', async () => {
    const { token } = await setup('csat', 'sr-Cyrl');
    for (const score of ['0', '6', '-1', 'x', '11', '1.5', '007']) {
      const res = await request(world.app).get(`/s/${token}/${score}`);
      expect(res.status).toBe(400);
      expect(res.text).toContain('lang="sr-Cyrl"');
    }
    await request(world.app).post(`/s/${token}`).type('form').send({ score: '9' }).expect(400);
  });

  it('answers 410 for expired links and closed surveys', async () => {
    const { workspace, survey } = await setup();
    const expired = await buildSentInvitation(world.ctx.db, {
      workspaceId: workspace.id,
      surveyId: survey.id,
      expiresAt: new Date(Date.now() - 1000),
    });
    const res = await request(world.app).get(`/s/${expired.token}/5`).expect(410);
    expect(res.text).toContain('This survey has closed');
    const live = await buildSentInvitation(world.ctx.db, {
      workspaceId: workspace.id,
      surveyId: survey.id,
    });
    await world.ctx.db
      .updateTable('surveys')
      .set({ status: 'closed' })
      .where('id', '=', survey.id)
      .execute();
    await request(world.app).get(`/s/${live.token}`).expect(410);
    await request(world.app).post(`/s/${live.token}`).type('form').send({ score: '5' }).expect(410);
    expect(await responsesOf(live.invitation.id)).toHaveLength(0);
  });

  it('refuses cross-site form posts with a 403 page and stores nothing', async () => {
    const { token, invitation } = await setup();
    const a = await request(world.app)
      .post(`/s/${token}`)
      .set('Sec-Fetch-Site', 'cross-site')
      .type('form')
      .send({ score: '0' })
      .expect(403);
    expect(a.headers['content-type']).toMatch(/text\/html/);
    await request(world.app)
      .post(`/s/${token}`)
      .set('Origin', 'https://evil.example')
      .type('form')
      .send({ score: '0' })
      .expect(403);
    await request(world.app)
      .post(`/s/${token}`)
      .set('Origin', 'http://glas.test')
      .set('Sec-Fetch-Site', 'same-origin')
      .type('form')
      .send({ score: '7' })
      .expect(200);
    const rows = await responsesOf(invitation.id);
    expect(rows.map((r) => r.score)).toEqual([7]);
  });

  it('refuses a comment over the limit with a 400 page that keeps the text', async () => {
    const { token, invitation } = await setup();
    const long = 'x'.repeat(world.ctx.config.COMMENT_MAX_LENGTH + 1);
    const res = await request(world.app)
      .post(`/s/${token}`)
      .type('form')
      .send({ score: '5', comment: long })
      .expect(400);
    expect(res.text).toContain('role="alert"');
    expect(res.text).toContain('aria-invalid="true"');
    expect(await responsesOf(invitation.id)).toHaveLength(0);
  });

  it('sends a strict CSP and no referrer on survey pages', async () => {
    const { token } = await setup();
    const res = await request(world.app).get(`/s/${token}`).expect(200);
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.text).not.toMatch(/<script/i);
  });
});

const XSS = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "'><svg/onload=alert(1)>",
  '<a href="javascript:alert(1)">x</a>',
  '</textarea><script>alert(1)</script>',
  '=HYPERLINK("http://evil.example","x")',
  "+1+cmd|' /C calc'!A0",
  '-2+3',
  '@SUM(1+1)',
  '\tTAB',
];

describe('comments are text everywhere', () => {
  it('never renders an XSS payload as markup on the page, in the owner alert, or in CSV', async () => {
    const { workspace, adminKey, survey } = await setup();
    await request(world.app)
      .post('/api/followups/rules')
      .set(bearer(adminKey))
      .send({ ownerEmail: 'owner@example.com', slaHours: 24 })
      .expect(201);
    world.startWorkers({ relay: true });
    for (const payload of XSS) {
      const inv = await buildSentInvitation(world.ctx.db, {
        workspaceId: workspace.id,
        surveyId: survey.id,
      });
      const page = await request(world.app)
        .post(`/s/${inv.token}`)
        .type('form')
        .send({ score: '2', comment: payload })
        .expect(200);
      expect(page.text).not.toMatch(/<script>alert|<img src=x|<svg\/onload|<a href="javascript/);
      if (payload.includes('<')) {
        expect(page.text).not.toContain(payload);
        expect(page.text).toContain('&lt;');
      }
    }

    const mails = await world.smtp.waitForMails(XSS.length);
    for (const mail of mails) {
      const html = String(mail.parsed.html);
      expect(html).not.toMatch(/<script>alert|<img src=x|<svg\/onload|<a href="javascript/);
    }
    const alert = mails.find((m) => String(m.parsed.text).includes('<script>alert(1)</script>'))!;
    expect(alert.to).toEqual(['owner@example.com']);
    expect(String(alert.parsed.html)).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');

    const csv = await request(world.app)
      .get(`/api/responses/export.csv?surveyId=${survey.id}`)
      .set(bearer(adminKey))
      .expect(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const lines = csv.text.split('\r\n');
    // NOTE: a leading TAB is trimmed away with the comment's whitespace before it is stored.
    for (const formula of ['=HYPERLINK', '+1+cmd', '-2+3', '@SUM']) {
      const line = lines.find((l) => l.includes(formula.trim()));
      expect(line).toBeDefined();
      expect(line).toContain(`'${formula}`);
      expect(line).not.toMatch(new RegExp(`,"?${formula.replace(/[+()|]/g, '\\$&')}`));
    }
  });
});
