/* eslint-disable @typescript-eslint/no-explicit-any -- the delighted client ships no types */
import { createServer } from 'node:net';
import type { Server } from 'node:http';
import { runAutopilot } from '../../../src/delighted/autopilot.service';
import { suppress } from '../../../src/contacts/suppression.service';
import request from 'supertest';
import { buildSentInvitation } from '../../support/collector-factories';
import { bearer, buildSurvey, buildWorkspace } from '../../support/factories';
import { createTestWorld } from '../../support/test-context';
import type { TestWorld } from '../../support/test-context';

// The official Node client, unchanged, pointed at a running Glas (docs/delighted-api.md).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const createDelighted = require('delighted') as (key: string, options: object) => any;

let world: TestWorld;
let server: Server;
let port: number;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

beforeAll(async () => {
  port = await freePort();
  world = await createTestWorld({ env: { PUBLIC_URL: `http://127.0.0.1:${port}` } });
  server = await new Promise<Server>((resolve) => {
    const s = world.app.listen(port, '127.0.0.1', () => resolve(s));
  });
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await world.close();
});

async function account(quietDays = 30) {
  const { workspace, adminKey } = await buildWorkspace(world.ctx.db);
  await world.ctx.db
    .updateTable('workspaces')
    .set({ quiet_period_days: quietDays })
    .where('id', '=', workspace.id)
    .execute();
  const survey = await buildSurvey(world.ctx.db, workspace.id, { kind: 'nps' });
  const delighted = createDelighted(adminKey, {
    host: '127.0.0.1',
    port,
    scheme: 'http',
    base: '/v1',
  });
  return { workspace, survey, delighted, adminKey };
}

const invitationsOf = (contactId: string) =>
  world.ctx.db
    .selectFrom('invitations')
    .selectAll()
    .where('contact_id', '=', contactId)
    .orderBy('created_at')
    .execute();

describe('official delighted npm client against Glas', () => {
  it('creates people with and without delay; a throttled person is stored, not surveyed', async () => {
    const { delighted } = await account();
    const before = Math.floor(Date.now() / 1000);
    const now = await delighted.person.create({
      email: 'ana@example.com',
      name: 'Ana',
      properties: { plan: 'pro', locale: 'hr', question_product_name: 'Acme Cloud' },
    });
    expect(typeof now.id).toBe('string');
    expect(now).toMatchObject({ email: 'ana@example.com', name: 'Ana' });
    expect(now.survey_scheduled_at).toBeGreaterThanOrEqual(before);
    expect(now.survey_scheduled_at).toBeLessThanOrEqual(before + 5);

    const later = await delighted.person.create({ email: 'ben@example.com', delay: 3600 });
    expect(later.survey_scheduled_at).toBeGreaterThanOrEqual(before + 3600);
    expect(later.survey_scheduled_at).toBeLessThanOrEqual(before + 3605);

    const [invitation] = await invitationsOf(now.id);
    expect(invitation).toMatchObject({ status: 'scheduled', locale: 'hr' });
    expect(invitation!.text_overrides).toEqual({ company: 'Acme Cloud' });

    const again = await delighted.person.create({ email: 'ana@example.com', name: 'Ana K.' });
    expect(again).toMatchObject({ id: now.id, name: 'Ana K.', survey_scheduled_at: null });
    const all = await invitationsOf(now.id);
    expect(all.map((i) => [i.status, i.skip_reason])).toEqual([
      ['scheduled', null],
      ['skipped', 'quiet_period'],
    ]);

    const recent = Math.floor(Date.now() / 1000) - 86_400;
    const elsewhere = await delighted.person.create({
      email: 'cy@example.com',
      last_sent_at: recent,
    });
    expect(elsewhere.survey_scheduled_at).toBeNull();

    const stored = await delighted.person.create({ email: 'dee@example.com', send: false });
    expect(stored.survey_scheduled_at).toBeNull();
    expect(await invitationsOf(stored.id)).toHaveLength(0);
  });

  it('lists and auto-pages people across several pages, oldest first', async () => {
    const { delighted } = await account();
    const emails = Array.from(
      { length: 23 },
      (_, i) => `p${String(i).padStart(2, '0')}@example.com`,
    );
    for (const email of emails) {
      await delighted.person.create({ email, send: false });
    }
    const seen: string[] = [];
    await delighted.person.list({ per_page: 5 }).autoPagingEach((p: { email: string }) => {
      seen.push(p.email);
    });
    expect(seen).toEqual(emails);
    const filtered: string[] = [];
    await delighted.person
      .list({ email: 'p07@example.com' })
      .autoPagingEach((p: { email: string }) => filtered.push(p.email));
    expect(filtered).toEqual(['p07@example.com']);
  });

  it('creates and lists survey responses with filters and expand, and reads metrics', async () => {
    const { delighted } = await account();
    const ana = await delighted.person.create({ email: 'ana@example.com', send: false });
    const ben = await delighted.person.create({ email: 'ben@example.com', send: false });
    const t0 = Math.floor(Date.now() / 1000) - 3 * 86_400;
    await delighted.surveyResponse.create({ person: ana.id, score: 10, created_at: t0 });
    await delighted.surveyResponse.create({ person: ben.id, score: 3, comment: 'Slow support' });
    await delighted.surveyResponse.create({ person: ben.id, score: 8 });

    const all = await delighted.surveyResponse.all();
    expect(all.map((r: { score: number }) => r.score)).toEqual([10, 3, 8]);
    expect(typeof all[0].id).toBe('string');
    expect(all[0]).toMatchObject({ person: ana.id, survey_type: 'nps', created_at: t0 });

    const bens = await delighted.surveyResponse.all({
      person_email: 'ben@example.com',
      order: 'desc',
      expand: ['person'],
    });
    expect(bens.map((r: { score: number }) => r.score)).toEqual([8, 3]);
    expect(bens[0].person).toMatchObject({ id: ben.id, email: 'ben@example.com' });

    const old = await delighted.surveyResponse.all({ until: t0 + 60 });
    expect(old.map((r: { score: number }) => r.score)).toEqual([10]);

    const one = await delighted.surveyResponse.retrieve(bens[1].id, { expand: ['person'] });
    expect(one).toMatchObject({ score: 3, comment: 'Slow support' });
    expect(one.person.email).toBe('ben@example.com');

    const metrics = await delighted.metrics.retrieve();
    expect(metrics).toMatchObject({
      nps: 0,
      promoter_count: 1,
      passive_count: 1,
      detractor_count: 1,
      response_count: 3,
      promoter_percent: 33.3,
    });
    expect(metrics.glas.interval).toEqual(
      expect.objectContaining({ lower: expect.any(Number), upper: expect.any(Number) }),
    );
    const recent = await delighted.metrics.retrieve({ since: t0 + 86_400 });
    expect(recent).toMatchObject({ response_count: 2, nps: -50 });
  });

  it('retrieves people and saves them and responses with save() (PUT on the collection)', async () => {
    const { delighted, workspace } = await account();
    const ana = await delighted.person.create({
      email: 'ana@example.com',
      send: false,
      properties: { plan: 'pro' },
    });
    ana.name = 'Ana K.';
    ana.phone_number = '+385911234567';
    const saved = await ana.save();
    expect(saved).toMatchObject({ id: ana.id, name: 'Ana K.', phone_number: '+385911234567' });

    const got = await delighted.person.retrieve(ana.id);
    expect(got).toMatchObject({ id: ana.id, email: 'ana@example.com', name: 'Ana K.' });
    got.email = 'ana.k@example.com';
    expect(await got.save()).toMatchObject({ id: ana.id, email: 'ana.k@example.com' });
    const found: string[] = [];
    await delighted.person
      .list({ email: 'ana.k@example.com' })
      .autoPagingEach((p: { id: string }) => found.push(p.id));
    expect(found).toEqual([ana.id]);
    const invitations = await world.ctx.db
      .selectFrom('invitations')
      .select('id')
      .where('workspace_id', '=', workspace.id)
      .execute();
    expect(invitations).toEqual([]);

    await delighted.surveyResponse.create({ person: ana.id, score: 4 });
    const [response] = await delighted.surveyResponse.all({ expand: ['person'] });
    response.score = 9;
    response.comment = 'Fixed, thanks';
    const updated = await response.save();
    expect(updated).toMatchObject({ id: response.id, score: 9, comment: 'Fixed, thanks' });
  });

  it('unsubscribes, lists bounces, deletes a person and pending survey requests', async () => {
    const { delighted, workspace } = await account();
    const ana = await delighted.person.create({ email: 'ana@example.com', delay: 600 });
    await delighted.unsubscribe.create({ person_email: 'ana@example.com' });
    const unsubscribed = await delighted.unsubscribe.all();
    expect(unsubscribed).toEqual([
      expect.objectContaining({ person_id: ana.id, email: 'ana@example.com' }),
    ]);
    expect(typeof unsubscribed[0].unsubscribed_at).toBe('number');

    await suppress(
      world.ctx.db,
      world.ctx.clock,
      workspace.id,
      'bounced',
      { email: 'gone@example.com' },
      world.ctx.hashEmail,
    );
    const bounces = await delighted.bounce.all({ per_page: 10, page: 1 });
    expect(bounces).toEqual([expect.objectContaining({ email: 'gone@example.com' })]);
    expect(await delighted.bounce.all({ page: 2, per_page: 10 })).toEqual([]);

    const ben = await delighted.person.create({ email: 'ben@example.com', delay: 600 });
    expect(ben.survey_scheduled_at).not.toBeNull();
    expect(
      await delighted.surveyRequest.deletePending({ person_email: 'ben@example.com' }),
    ).toEqual({
      ok: true,
    });
    expect((await invitationsOf(ben.id)).map((i) => i.status)).toEqual(['cancelled']);

    expect(await delighted.person.delete({ email: 'ben@example.com' })).toEqual({ ok: true });
    expect(await delighted.person.delete({ id: ana.id })).toEqual({ ok: true });
    const left: string[] = [];
    await delighted.person.list().autoPagingEach((p: { email: string }) => left.push(p.email));
    expect(left).toEqual(['gone@example.com']);
    // A second delete is a 404. The Node client (2.2.0) has no class for 404 (its Errors.js maps
    // 401, 406, 422, 429, 500, 503): it falls back to GeneralAPIError with the body as message.
    const gone = await delighted.person.delete({ email: 'ben@example.com' }).then(
      () => undefined,
      (err: { type: string; message: string }) => err,
    );
    expect(gone?.type).toBe('GeneralAPIError');
    expect(JSON.parse(gone!.message)).toEqual({ status: 404, message: 'No such person.' });
  });

  it('round-trips an Autopilot membership and surveys members when due', async () => {
    const { delighted } = await account();
    const email = delighted.autopilotMembership.forEmail();
    const created = await email.create({
      person_email: 'ana@example.com',
      person_name: 'Ana',
      properties: { plan: 'pro' },
    });
    expect(created).toMatchObject({ person: { email: 'ana@example.com', name: 'Ana' } });
    const config = await delighted.autopilotConfiguration.retrieve('email');
    expect(config).toMatchObject({ platform_id: 'email', active: true, frequency: 7_776_000 });

    const listed: any[] = [];
    await email.list().autoPagingEach((m: any) => listed.push(m));
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({
      person: { email: 'ana@example.com' },
      next_survey_request: { properties: { plan: 'pro' } },
    });

    const run = await runAutopilot(world.ctx);
    expect(run.requested).toBeGreaterThanOrEqual(1);
    expect((await invitationsOf(created.person.id)).map((i) => i.status)).toEqual(['scheduled']);
    expect(await runAutopilot(world.ctx)).toMatchObject({ requested: 0 });

    expect(await email.delete({ person_email: 'ana@example.com' })).toMatchObject({
      person: { id: created.person.id },
    });
    const after: any[] = [];
    await email.list().autoPagingEach((m: any) => after.push(m));
    expect(after).toEqual([]);
  });

  it('reads the additional_answers a person gave on the Glas survey page', async () => {
    const { workspace, survey, delighted, adminKey } = await account();
    await request(world.app)
      .patch(`/api/surveys/${survey.id}`)
      .set(bearer(adminKey))
      .send({
        questions: [
          {
            id: 'why',
            type: 'single_choice',
            text: 'Why?',
            options: [
              { id: 'price', text: 'Price' },
              { id: 'speed', text: 'Speed' },
            ],
          },
          {
            id: 'areas',
            type: 'multiple_choice',
            text: 'Which areas?',
            options: [
              { id: 'a', text: 'Billing' },
              { id: 'b', text: 'Support' },
            ],
          },
          { id: 'ease', type: 'scale_5', text: 'How easy?' },
          { id: 'note', type: 'free_text', text: 'Anything else?' },
        ],
      })
      .expect(200);
    const { token } = await buildSentInvitation(world.ctx.db, {
      workspaceId: workspace.id,
      surveyId: survey.id,
    });
    await request(world.app)
      .post(`/s/${token}`)
      .type('form')
      .send(
        new URLSearchParams([
          ['score', '9'],
          ['answers', '1'],
          ['a.why', 'speed'],
          ['a.areas', 'a'],
          ['a.areas', 'b'],
          ['a.ease', '4'],
          ['a.note', 'Keep it up'],
        ]).toString(),
      )
      .expect(200);
    const [response] = await delighted.surveyResponse.all();
    const one = await delighted.surveyResponse.retrieve(response.id);
    for (const r of [response, one]) {
      expect(r.additional_answers).toEqual([
        {
          id: `${response.id}:why`,
          value: {
            free_response: null,
            scale: null,
            select_one: { id: 'speed', text: 'Speed' },
            select_many: null,
          },
          question: { id: 'why', type: 'select_one', text: 'Why?' },
        },
        {
          id: `${response.id}:areas`,
          value: {
            free_response: null,
            scale: null,
            select_one: null,
            select_many: [
              { id: 'a', text: 'Billing' },
              { id: 'b', text: 'Support' },
            ],
          },
          question: { id: 'areas', type: 'select_many', text: 'Which areas?' },
        },
        {
          id: `${response.id}:ease`,
          value: { free_response: null, scale: 4, select_one: null, select_many: null },
          question: { id: 'ease', type: 'scale', text: 'How easy?' },
        },
        {
          id: `${response.id}:note`,
          value: { free_response: 'Keep it up', scale: null, select_one: null, select_many: null },
          question: { id: 'note', type: 'free_response', text: 'Anything else?' },
        },
      ]);
    }
  });
});
