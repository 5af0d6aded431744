import request from 'supertest';
import { buildSurvey, buildWorkspace } from '../../support/factories';
import { createTestWorld } from '../../support/test-context';
import type { TestWorld } from '../../support/test-context';

// PUT /v1/people (Node's person.save()) and people Glas has no channel for (phone only).

let world: TestWorld;

beforeAll(async () => {
  world = await createTestWorld();
});
afterAll(async () => {
  await world.close();
});

const basic = (key: string) => ({
  Authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}`,
});

async function account() {
  const { workspace, adminKey } = await buildWorkspace(world.ctx.db);
  await buildSurvey(world.ctx.db, workspace.id, { kind: 'nps' });
  const post = (body: object) =>
    request(world.app).post('/v1/people').set(basic(adminKey)).send(body);
  const put = (body: object, path = '/v1/people') =>
    request(world.app).put(path).set(basic(adminKey)).send(body);
  return { workspace, key: adminKey, post, put };
}

const contactsOf = (workspaceId: string) =>
  world.ctx.db
    .selectFrom('contacts')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('created_at')
    .execute();

const invitationCount = async (workspaceId: string) =>
  (
    await world.ctx.db
      .selectFrom('invitations')
      .select('id')
      .where('workspace_id', '=', workspaceId)
      .execute()
  ).length;

describe('PUT /v1/people', () => {
  it('sets email, name, phone and merged properties of the person named by id; never surveys', async () => {
    const { workspace, post, put } = await account();
    const created = await post({
      email: 'ana@example.com',
      send: false,
      properties: { plan: 'pro', seats: 3 },
    });
    const res = await put({
      ...created.body,
      email: 'ana.k@example.com',
      name: 'Ana K.',
      phone_number: '+385911234567',
      properties: { plan: 'team', locale: 'hr', question_product_name: 'Acme' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: created.body.id,
      email: 'ana.k@example.com',
      name: 'Ana K.',
      phone_number: '+385911234567',
      created_at: expect.any(Number),
      last_sent_at: null,
      last_responded_at: null,
      next_survey_scheduled_at: null,
    });
    const [contact] = await contactsOf(workspace.id);
    expect(contact).toMatchObject({ email: 'ana.k@example.com', locale: 'hr' });
    // Special properties shape one invitation's texts; with no survey they are dropped.
    expect(contact!.properties).toEqual({ plan: 'team', seats: 3 });
    expect(await invitationCount(workspace.id)).toBe(0);
  });

  it('finds the person by the path (id, email:…) or by email in the body', async () => {
    const { post, put } = await account();
    const created = await post({ email: 'ben@example.com', send: false });
    const byPath = await put({ name: 'Ben' }, '/v1/people/email%3Aben%40example.com');
    expect(byPath.body).toMatchObject({ id: created.body.id, name: 'Ben' });
    const byId = await put({ name: 'Ben B.' }, `/v1/people/${created.body.id}.json`);
    expect(byId.body).toMatchObject({ name: 'Ben B.' });
    const byEmail = await put({ email: 'ben@example.com', name: null });
    expect(byEmail.body).toMatchObject({ id: created.body.id, name: null });
  });

  it('answers 422 for a taken email or phone or no identifier, 404 for an unknown person', async () => {
    const { post, put } = await account();
    const ana = await post({ email: 'ana@example.com', phone_number: '+15555550100', send: false });
    const ben = await post({ email: 'ben@example.com', send: false });
    const email = await put({ id: ben.body.id, email: 'ana@example.com' });
    expect(email.status).toBe(422);
    expect(email.body.errors).toEqual({ email: ['has already been taken'] });
    const phone = await put({ id: ben.body.id, phone_number: '+15555550100' });
    expect(phone.status).toBe(422);
    expect(phone.body.errors).toEqual({ phone_number: ['has already been taken'] });
    expect((await put({ name: 'Nobody' })).status).toBe(422);
    const unknown = await put({ id: '00000000-0000-4000-8000-000000000000', name: 'X' });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ status: 404 });
    const kept = await put({ id: ana.body.id });
    expect(kept.body).toMatchObject({ email: 'ana@example.com', phone_number: '+15555550100' });
  });
});

describe('a person with only a phone number', () => {
  it('is refused with 422 and not stored while Glas has no SMS channel', async () => {
    const { workspace, post } = await account();
    for (const body of [
      { phone_number: '+15555550123' },
      { phone_number: '+15555550123', send: false },
      { phone_number: '+15555550123', channel: 'sms' },
    ]) {
      const res = await post(body);
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ status: 422, message: 'Unprocessable Entity' });
    }
    const res = await post({ phone_number: '+15555550123' });
    expect(res.body.errors.email).toEqual([expect.stringContaining('no SMS channel')]);
    const sms = await post({
      email: 'ana@example.com',
      phone_number: '+15555550123',
      channel: 'sms',
    });
    expect(sms.body.errors.channel).toEqual(['Glas sends surveys by email only']);
    expect(await contactsOf(workspace.id)).toEqual([]);
  });

  it('finds a person already known by that number, who is surveyed by email', async () => {
    const { workspace, post } = await account();
    const first = await post({
      email: 'ana@example.com',
      phone_number: '+15555550123',
      send: false,
    });
    const res = await post({ phone_number: '+15555550123', name: 'Ana' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: first.body.id,
      email: 'ana@example.com',
      name: 'Ana',
      phone_number: '+15555550123',
      survey_scheduled_at: expect.any(Number),
    });
    expect(await invitationCount(workspace.id)).toBe(1);
  });
});
