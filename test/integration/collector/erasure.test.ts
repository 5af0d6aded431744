import request from 'supertest';
import { buildSentInvitation } from '../../support/collector-factories';
import { bearer, buildSurvey, buildWorkspace } from '../../support/factories';
import { createTestWorld } from '../../support/test-context';
import type { TestWorld } from '../../support/test-context';

// Right to erasure reaches the logs that carry a person's data: webhook deliveries (Glas and
// Delighted formats), chat-alert deliveries and the events that were about the person.
let world: TestWorld;

beforeAll(async () => {
  world = await createTestWorld({ env: { WEBHOOK_ALLOW_PRIVATE_URLS: 'true' } });
});
afterAll(async () => {
  await world.close();
});

async function deliveriesOf(workspaceId: string) {
  const [hooks, chats] = await Promise.all([
    world.ctx.db
      .selectFrom('webhook_deliveries')
      .select('payload')
      .where('workspace_id', '=', workspaceId)
      .execute(),
    world.ctx.db
      .selectFrom('chat_alert_deliveries')
      .select('payload')
      .where('workspace_id', '=', workspaceId)
      .execute(),
  ]);
  return { hooks: hooks.map((h) => JSON.stringify(h.payload)), chats: chats.length };
}

describe('DELETE /api/contacts/:id?erase=true', () => {
  it('deletes the delivery logs that name the person and keeps everyone else’s', async () => {
    const { workspace, adminKey } = await buildWorkspace(world.ctx.db);
    const hooks = [
      { format: 'glas', events: ['response.created'] },
      { format: 'delighted', events: ['survey_response.created'] },
    ];
    for (const hook of hooks) {
      await request(world.app)
        .post('/api/webhooks')
        .set(bearer(adminKey))
        .send({ url: 'http://127.0.0.1:9/hook', ...hook })
        .expect(201);
    }
    await request(world.app)
      .post('/api/chat-alerts')
      .set(bearer(adminKey))
      .send({ platform: 'slack', name: '#all', url: 'http://127.0.0.1:9/services/T/B/X' })
      .expect(201);
    const survey = await buildSurvey(world.ctx.db, workspace.id, { kind: 'nps' });
    const erased = await buildSentInvitation(world.ctx.db, {
      workspaceId: workspace.id,
      surveyId: survey.id,
      email: 'Erase.Me@Example.com',
      name: 'Erase Me',
    });
    const kept = await buildSentInvitation(world.ctx.db, {
      workspaceId: workspace.id,
      surveyId: survey.id,
      email: 'keep@example.com',
    });
    for (const inv of [erased, kept]) {
      await request(world.app)
        .post(`/s/${inv.token}`)
        .type('form')
        .send({ score: '3', comment: 'Slow' })
        .expect(200);
    }
    const event = await request(world.app)
      .post('/api/events')
      .set(bearer(adminKey))
      .send({
        type: 'ticket.closed',
        contact: { email: 'erase.me@example.com' },
        properties: { ticket: 'T-1' },
      })
      .expect(202);
    const before = await deliveriesOf(workspace.id);
    expect(before.hooks).toHaveLength(4);
    // Glas's format names the contact by id, Delighted's by id and address.
    const naming = (p: string) =>
      p.includes(erased.contact.id) || /erase\.me@example\.com/i.test(p);
    expect(before.hooks.filter(naming)).toHaveLength(2);
    expect(before.chats).toBe(2);

    await request(world.app)
      .delete(`/api/contacts/${erased.contact.id}?erase=true`)
      .set(bearer(adminKey))
      .expect(204);

    const after = await deliveriesOf(workspace.id);
    expect(after.hooks).toHaveLength(2);
    expect(after.hooks.some(naming)).toBe(false);
    expect(after.chats).toBe(1);
    const ev = await world.ctx.db
      .selectFrom('events')
      .select(['properties', 'response_body', 'contact_id'])
      .where('id', '=', event.body.event.id)
      .executeTakeFirstOrThrow();
    expect(ev).toEqual({ properties: {}, response_body: null, contact_id: null });
  });
});
