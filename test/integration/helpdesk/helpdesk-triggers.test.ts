import { createHash, randomBytes } from 'node:crypto';
import request from 'supertest';
import { bearer, buildSurvey, buildWorkspace } from '../../support/factories';
import {
  chatwootResolved,
  freescoutClosed,
  freescoutHeaders,
  freshdeskResolved,
  hubspotClosed,
  hubspotHeaders,
  intercomClosed,
  intercomHeaders,
  zammadClosed,
  zammadHeaders,
  zendeskHeaders,
  zendeskSolved,
} from '../../support/helpdesk-fixtures';
import { createTestWorld } from '../../support/test-context';
import type { TestWorld } from '../../support/test-context';

let world: TestWorld;
beforeAll(async () => {
  world = await createTestWorld();
});
afterAll(async () => {
  await world.close();
});

const addr = () => `customer-${randomBytes(4).toString('hex')}@example.com`;
const pathOf = (url: string | undefined) => new URL(url ?? 'http://x/').pathname;
const ZENDESK_SECRET = 'dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ';

/** A workspace with a survey on `eventType` and a configured source for `provider`. */
async function setup(provider: string, body: object = {}, eventType = 'ticket.solved') {
  const { workspace, adminKey } = await buildWorkspace(world.ctx.db);
  const survey = await buildSurvey(world.ctx.db, workspace.id, { eventType });
  const res = await request(world.app)
    .put(`/api/helpdesk-sources/${provider}`)
    .set(bearer(adminKey))
    .send(body);
  expect(res.status).toBe(201);
  return { workspace, adminKey, survey, source: res.body as Record<string, string> };
}

async function eventsOf(workspaceId: string) {
  return world.ctx.db
    .selectFrom('events')
    .innerJoin('contacts', 'contacts.id', 'events.contact_id')
    .select([
      'events.type',
      'events.properties',
      'events.idempotency_key',
      'contacts.email',
      'contacts.name',
      'contacts.locale',
    ])
    .where('events.workspace_id', '=', workspaceId)
    .execute();
}

const invitationCount = async (workspaceId: string) =>
  Number(
    (
      await world.ctx.db
        .selectFrom('invitations')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('workspace_id', '=', workspaceId)
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('PUT /api/helpdesk-sources/:provider', () => {
  it('lists sources without their secrets and removes one', async () => {
    const { adminKey, source } = await setup('chatwoot');
    expect(source.urlWithToken).toMatch(new RegExp(`^${source.url}/[A-Za-z0-9_-]{32}$`));

    const list = await request(world.app).get('/api/helpdesk-sources').set(bearer(adminKey));
    const gone = await request(world.app)
      .delete('/api/helpdesk-sources/chatwoot')
      .set(bearer(adminKey));
    const again = await request(world.app)
      .delete('/api/helpdesk-sources/chatwoot')
      .set(bearer(adminKey));

    expect(list.body.data).toEqual([
      expect.objectContaining({
        provider: 'chatwoot',
        url: source.url,
        eventType: 'ticket.solved',
      }),
    ]);
    expect(JSON.stringify(list.body)).not.toContain(pathOf(source.urlWithToken).split('/').pop());
    expect(gone.status).toBe(204);
    expect(again.status).toBe(404);
  });

  it('rejects a short Zendesk secret and a bad event type with 400 naming the field', async () => {
    const { adminKey } = await buildWorkspace(world.ctx.db);
    const short = await request(world.app)
      .put('/api/helpdesk-sources/zendesk')
      .set(bearer(adminKey))
      .send({ signingSecret: 'short' });
    const badType = await request(world.app)
      .put('/api/helpdesk-sources/zammad')
      .set(bearer(adminKey))
      .send({ eventType: 'ticket solved!' });
    const unknown = await request(world.app)
      .put('/api/helpdesk-sources/kayako')
      .set(bearer(adminKey))
      .send({});

    expect(short.status).toBe(400);
    expect(short.body.error.details).toEqual([expect.objectContaining({ field: 'signingSecret' })]);
    expect(badType.status).toBe(400);
    expect(badType.body.error.details).toEqual([expect.objectContaining({ field: 'eventType' })]);
    expect(unknown.status).toBe(400);
  });
});

describe('POST /inbound/helpdesk/zendesk', () => {
  it('turns a solved ticket into one event that invites the requester, once', async () => {
    const { workspace, source } = await setup('zendesk', { signingSecret: ZENDESK_SECRET });
    const email = addr();
    const body = zendeskSolved(email);
    const post = () =>
      request(world.app)
        .post(pathOf(source.url))
        .set(zendeskHeaders(body, ZENDESK_SECRET))
        .send(body);

    const first = await post();
    const again = await post();

    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ accepted: true, invitations: 1, duplicate: false });
    expect(again.status).toBe(202);
    expect(again.body).toMatchObject({
      accepted: false,
      duplicate: true,
      eventId: first.body.eventId,
    });
    expect(await eventsOf(workspace.id)).toEqual([
      {
        type: 'ticket.solved',
        properties: {
          ticketId: '35436',
          agent: 'Sally Agent',
          team: 'Support',
          channel: 'Web Form',
        },
        idempotency_key: 'zendesk-35436',
        email,
        name: 'Jane Requester',
        locale: 'en-US',
      },
    ]);
    expect(await invitationCount(workspace.id)).toBe(1);
  });

  it('counts the same ticket solved again with another agent as a duplicate', async () => {
    const { workspace, source } = await setup('zendesk', { signingSecret: ZENDESK_SECRET });
    const email = addr();
    const first = zendeskSolved(email, '901');
    const second = first.replace('Sally Agent', 'Bob Agent');
    for (const body of [first, second]) {
      const res = await request(world.app)
        .post(pathOf(source.url))
        .set(zendeskHeaders(body, ZENDESK_SECRET))
        .send(body);
      expect(res.status).toBe(202);
    }
    expect(await eventsOf(workspace.id)).toHaveLength(1);
  });

  it('answers 401 and stores nothing when unsigned, wrongly signed or tampered with', async () => {
    const { workspace, source } = await setup('zendesk', { signingSecret: ZENDESK_SECRET });
    const body = zendeskSolved(addr());
    const signed = zendeskHeaders(body, ZENDESK_SECRET);

    const none = await request(world.app).post(pathOf(source.url)).type('json').send(body);
    const wrongKey = await request(world.app)
      .post(pathOf(source.url))
      .set(zendeskHeaders(body, 'another-secret-of-enough-length'))
      .send(body);
    const tampered = await request(world.app)
      .post(pathOf(source.url))
      .set(signed)
      .send(body.replace('Solved', 'Closed'));
    const otherTimestamp = await request(world.app)
      .post(pathOf(source.url))
      .set({ ...signed, 'X-Zendesk-Webhook-Signature-Timestamp': '2026-06-15T12:00:01Z' })
      .send(body);

    for (const res of [none, wrongKey, tampered, otherTimestamp]) {
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('invalid_signature');
    }
    expect(await eventsOf(workspace.id)).toEqual([]);
  });

  it('answers 400 naming what is missing, and ignores a ticket not yet solved', async () => {
    const { workspace, source } = await setup('zendesk', { signingSecret: ZENDESK_SECRET });
    const noEmail = JSON.stringify({ ticket: { id: '7', status: 'Solved', requester: {} } });
    const notJson = 'ticket=7';
    const open = zendeskSolved(addr(), '8', 'Open');
    const send = (body: string) =>
      request(world.app)
        .post(pathOf(source.url))
        .set(zendeskHeaders(body, ZENDESK_SECRET))
        .send(body);

    const missing = await send(noEmail);
    const garbled = await send(notJson);
    const notSolved = await send(open);

    expect(missing.status).toBe(400);
    expect(missing.body.error.details).toEqual([
      expect.objectContaining({ field: 'ticket.requester.email' }),
    ]);
    expect(garbled.status).toBe(400);
    expect(garbled.body.error.details).toEqual([expect.objectContaining({ field: 'body' })]);
    expect(notSolved.status).toBe(202);
    expect(notSolved.body).toMatchObject({ accepted: false, ignored: 'status Open' });
    expect(await eventsOf(workspace.id)).toEqual([]);
  });

  it('answers 404 for an unknown source and for another provider’s source id', async () => {
    const { source } = await setup('zammad');
    const body = zendeskSolved(addr());
    const id = pathOf(source.url).split('/').pop()!;

    const unknown = await request(world.app)
      .post('/inbound/helpdesk/zendesk/00000000-0000-4000-8000-000000000000')
      .set(zendeskHeaders(body, ZENDESK_SECRET))
      .send(body);
    const crossed = await request(world.app)
      .post(`/inbound/helpdesk/zendesk/${id}`)
      .set(zendeskHeaders(body, ZENDESK_SECRET))
      .send(body);

    expect(unknown.status).toBe(404);
    expect(crossed.status).toBe(404);
  });
});

describe('POST /inbound/helpdesk/chatwoot', () => {
  it('turns conversation_resolved into an event on the configured type and ignores others', async () => {
    const { workspace, source } = await setup(
      'chatwoot',
      { eventType: 'chat.resolved' },
      'chat.resolved',
    );
    const email = addr();
    const post = (body: string) =>
      request(world.app).post(pathOf(source.urlWithToken)).type('json').send(body);

    const resolved = await post(chatwootResolved(email, 10));
    const repeat = await post(chatwootResolved(email, 10));
    const created = await post(chatwootResolved(email, 11, 'conversation_created'));

    expect(resolved.status).toBe(202);
    expect(resolved.body).toMatchObject({ accepted: true, invitations: 1 });
    expect(repeat.body).toMatchObject({ duplicate: true });
    expect(created.body).toMatchObject({ accepted: false, ignored: 'event conversation_created' });
    expect(await eventsOf(workspace.id)).toEqual([
      {
        type: 'chat.resolved',
        properties: { ticketId: '10', agent: 'John', team: 'billing', channel: 'WebWidget' },
        idempotency_key: 'chatwoot-10',
        email,
        name: 'jane',
        locale: 'fr',
      },
    ]);
  });

  it('answers 401 without the URL token or with a wrong one, 400 without the sender email', async () => {
    const { workspace, source } = await setup('chatwoot');
    const body = chatwootResolved(addr());
    const noEmail = JSON.stringify({ ...JSON.parse(body), meta: { sender: { email: null } } });

    const bare = await request(world.app).post(pathOf(source.url)).type('json').send(body);
    const wrong = await request(world.app)
      .post(`${pathOf(source.url)}/not-the-token`)
      .type('json')
      .send(body);
    const missing = await request(world.app)
      .post(pathOf(source.urlWithToken))
      .type('json')
      .send(noEmail);

    expect(bare.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(missing.status).toBe(400);
    expect(missing.body.error.details).toEqual([
      expect.objectContaining({ field: 'meta.sender.email' }),
    ]);
    expect(await eventsOf(workspace.id)).toEqual([]);
  });
});

describe('POST /inbound/helpdesk/freescout', () => {
  // md5(APP_KEY . "webhook_key") of a FreeScout install, as its admin computes it.
  const KEY = createHash('md5')
    .update('base64:c2VjcmV0LWFwcC1rZXktZm9yLXRlc3Rz' + 'webhook_key')
    .digest('hex');

  it('turns a closed conversation into one event for the customer, checked by its signature', async () => {
    const { workspace, source } = await setup('freescout', { signingKey: KEY });
    const email = addr();
    const body = freescoutClosed(email);
    const post = () =>
      request(world.app).post(pathOf(source.url)).set(freescoutHeaders(body, KEY)).send(body);

    const first = await post();
    const again = await post();
    const active = freescoutClosed(email, 2, 'active');
    const notClosed = await request(world.app)
      .post(pathOf(source.url))
      .set(freescoutHeaders(active, KEY))
      .send(active);
    const other = await request(world.app)
      .post(pathOf(source.url))
      .set(freescoutHeaders(body, KEY, 'convo.note.created'))
      .send(body);

    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ accepted: true, invitations: 1 });
    expect(again.body).toMatchObject({ duplicate: true });
    expect(notClosed.body).toMatchObject({ ignored: 'status active' });
    expect(other.body).toMatchObject({ ignored: 'event convo.note.created' });
    expect(await eventsOf(workspace.id)).toEqual([
      {
        type: 'ticket.solved',
        properties: { ticketId: '3', agent: 'John Doe', team: 'mailbox 15', channel: 'email' },
        idempotency_key: 'freescout-1',
        email,
        name: 'Mark Morrison',
        locale: null,
      },
    ]);
  });

  it('answers 401 when signed with another key, 400 naming a missing customer, and refuses a key that is not md5 hex', async () => {
    const { workspace, adminKey, source } = await setup('freescout', { signingKey: KEY });
    const body = freescoutClosed(addr());
    const wrong = await request(world.app)
      .post(pathOf(source.url))
      .set(freescoutHeaders(body, 'f'.repeat(32)))
      .send(body);
    const unsigned = await request(world.app).post(pathOf(source.url)).type('json').send(body);
    const noCustomer = JSON.stringify({ id: 5, status: 'closed' });
    const missing = await request(world.app)
      .post(pathOf(source.url))
      .set(freescoutHeaders(noCustomer, KEY))
      .send(noCustomer);
    const badKey = await request(world.app)
      .put('/api/helpdesk-sources/freescout')
      .set(bearer(adminKey))
      .send({ signingKey: 'not-a-key' });

    expect(wrong.status).toBe(401);
    expect(unsigned.status).toBe(401);
    expect(missing.status).toBe(400);
    expect(JSON.stringify(missing.body.error.details)).toContain('customer');
    expect(badKey.status).toBe(400);
    expect(badKey.body.error.details[0].field).toBe('signingKey');
    expect(await eventsOf(workspace.id)).toEqual([]);
  });
});

describe('POST /inbound/helpdesk/zammad', () => {
  it('turns a closed ticket into one event for the customer, checked by X-Hub-Signature', async () => {
    const { workspace, source } = await setup('zammad');
    const email = addr();
    const body = zammadClosed(email);
    const post = () =>
      request(world.app)
        .post(pathOf(source.url))
        .set(zammadHeaders(body, source.signatureToken!))
        .send(body);

    const first = await post();
    const again = await post();
    const open = zammadClosed(email, 82, 'open');
    const notClosed = await request(world.app)
      .post(pathOf(source.url))
      .set(zammadHeaders(open, source.signatureToken!))
      .send(open);

    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ accepted: true, invitations: 1 });
    expect(again.body).toMatchObject({ duplicate: true });
    expect(notClosed.body).toMatchObject({ ignored: 'state open' });
    expect(await eventsOf(workspace.id)).toEqual([
      {
        type: 'ticket.solved',
        properties: {
          ticketId: '10081',
          agent: 'Emma Taylor',
          team: 'Service Desk',
          channel: 'phone',
        },
        idempotency_key: 'zammad-81',
        email,
        name: 'Emily Adams',
        locale: null,
      },
    ]);
  });

  it('answers 401 and stores nothing when unsigned or signed with another token', async () => {
    const { workspace, source } = await setup('zammad');
    const body = zammadClosed(addr());

    const none = await request(world.app).post(pathOf(source.url)).type('json').send(body);
    const wrong = await request(world.app)
      .post(pathOf(source.url))
      .set(zammadHeaders(body, 'some-other-token'))
      .send(body);

    expect(none.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(await eventsOf(workspace.id)).toEqual([]);
  });

  it('a replaced source has a new token: the old one stops working', async () => {
    const { adminKey, source } = await setup('zammad');
    const replaced = await request(world.app)
      .put('/api/helpdesk-sources/zammad')
      .set(bearer(adminKey))
      .send({});
    const body = zammadClosed(addr());

    const old = await request(world.app)
      .post(pathOf(source.url))
      .set(zammadHeaders(body, source.signatureToken!))
      .send(body);

    expect(replaced.status).toBe(200);
    expect(replaced.body.url).toBe(source.url);
    expect(old.status).toBe(401);
  });
});

describe('POST /inbound/helpdesk/freshdesk', () => {
  it('turns a resolved ticket into one event, with the token in the URL', async () => {
    const { workspace, source } = await setup('freshdesk');
    const email = addr();
    const post = (body: string) =>
      request(world.app).post(pathOf(source.urlWithToken)).type('json').send(body);

    const first = await post(freshdeskResolved(email));
    const again = await post(freshdeskResolved(email));
    const pending = await post(freshdeskResolved(email, 3, 'Pending'));
    const unsigned = await request(world.app)
      .post(pathOf(source.url))
      .type('json')
      .send(freshdeskResolved(email, 4));
    const missing = await post(JSON.stringify({ freshdesk_webhook: { ticket_id: 5 } }));

    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ accepted: true, invitations: 1 });
    expect(again.body).toMatchObject({ duplicate: true });
    expect(pending.body).toMatchObject({ ignored: 'status Pending' });
    expect(unsigned.status).toBe(401);
    expect(missing.status).toBe(400);
    expect(missing.body.error.details.map((d: { field: string }) => d.field)).toEqual([
      'freshdesk_webhook.ticket_status',
      'freshdesk_webhook.ticket_contact_email',
    ]);
    expect(await eventsOf(workspace.id)).toEqual([
      {
        type: 'ticket.solved',
        properties: { ticketId: '2', agent: 'Rachel Agent', team: 'Billing', channel: 'Email' },
        idempotency_key: 'freshdesk-2',
        email,
        name: 'Emily Garcia',
        locale: null,
      },
    ]);
  });
});

describe('POST /inbound/helpdesk/intercom', () => {
  const CLIENT_SECRET = 'f0e1d2c3-b4a5-4687-9a8b-7c6d5e4f3a2b';

  it('turns conversation.admin.closed into one event and ignores the ping', async () => {
    const { workspace, source } = await setup('intercom', { clientSecret: CLIENT_SECRET });
    const email = addr();
    const send = (body: string) =>
      request(world.app)
        .post(pathOf(source.url))
        .set(intercomHeaders(body, CLIENT_SECRET))
        .send(body);

    const first = await send(intercomClosed(email));
    const again = await send(intercomClosed(email));
    const ping = await send(intercomClosed(email, '148', 'ping'));

    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ accepted: true, invitations: 1 });
    expect(again.body).toMatchObject({ duplicate: true });
    expect(ping.body).toMatchObject({ ignored: 'topic ping' });
    expect(await eventsOf(workspace.id)).toEqual([
      {
        type: 'ticket.solved',
        properties: {
          ticketId: '147',
          agent: 'Mark Admin',
          team: '5017691',
          channel: 'conversation',
        },
        idempotency_key: 'intercom-147',
        email,
        name: 'Joe Bloggs',
        locale: null,
      },
    ]);
  });

  it('answers 401 unsigned or wrongly signed, 400 naming a missing author email', async () => {
    const { workspace, source } = await setup('intercom', { clientSecret: CLIENT_SECRET });
    const body = intercomClosed(addr());
    const parsed = JSON.parse(body);
    delete parsed.data.item.source.author.email;
    const noEmail = JSON.stringify(parsed);

    const none = await request(world.app).post(pathOf(source.url)).type('json').send(body);
    const wrong = await request(world.app)
      .post(pathOf(source.url))
      .set(intercomHeaders(body, 'not-the-client-secret'))
      .send(body);
    const missing = await request(world.app)
      .post(pathOf(source.url))
      .set(intercomHeaders(noEmail, CLIENT_SECRET))
      .send(noEmail);
    const noSecret = await request(world.app)
      .put('/api/helpdesk-sources/intercom')
      .set(bearer((await buildWorkspace(world.ctx.db)).adminKey))
      .send({});

    expect(none.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(missing.status).toBe(400);
    expect(missing.body.error.details).toEqual([
      expect.objectContaining({ field: 'data.item.source.author.email' }),
    ]);
    expect(noSecret.status).toBe(400);
    expect(await eventsOf(workspace.id)).toEqual([]);
  });
});

describe('POST /inbound/helpdesk/hubspot', () => {
  const CLIENT_SECRET = 'yyyyyyyy-yyyy-4yyy-8yyy-yyyyyyyyyyyy';

  it('turns a workflow webhook into one event, checked by the v3 signature', async () => {
    const { workspace, source } = await setup('hubspot', { clientSecret: CLIENT_SECRET });
    const email = addr();
    const body = hubspotClosed(email);
    const now = world.ctx.clock.now();
    const post = () =>
      request(world.app)
        .post(pathOf(source.url))
        .set(hubspotHeaders(source.url!, body, CLIENT_SECRET, now))
        .send(body);

    const first = await post();
    const again = await post();

    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ accepted: true, invitations: 1 });
    expect(again.body).toMatchObject({ duplicate: true });
    expect(await eventsOf(workspace.id)).toEqual([
      {
        type: 'ticket.solved',
        properties: {
          ticketId: '1234567890',
          agent: 'Dharmesh Shah',
          team: 'Tier 2',
          channel: 'EMAIL',
        },
        idempotency_key: 'hubspot-1234567890',
        email,
        name: 'Brian Halligan',
        locale: 'de',
      },
    ]);
  });

  it('answers 401 when unsigned, signed for another URL, wrongly signed or stale', async () => {
    const { workspace, source } = await setup('hubspot', { clientSecret: CLIENT_SECRET });
    const body = hubspotClosed(addr());
    const now = world.ctx.clock.now();
    const stale = new Date(now.getTime() - 6 * 60_000);
    const send = (headers: Record<string, string>) =>
      request(world.app).post(pathOf(source.url)).set(headers).send(body);

    const results = [
      await request(world.app).post(pathOf(source.url)).type('json').send(body),
      await send(hubspotHeaders(`${source.url}x`, body, CLIENT_SECRET, now)),
      await send(hubspotHeaders(source.url!, body, 'another-client-secret', now)),
      await send(hubspotHeaders(source.url!, body, CLIENT_SECRET, stale)),
    ];

    expect(results.map((r) => r.status)).toEqual([401, 401, 401, 401]);
    expect(await eventsOf(workspace.id)).toEqual([]);
  });

  it('answers 400 naming the missing ticket id and email', async () => {
    const { source } = await setup('hubspot', { clientSecret: CLIENT_SECRET });
    const body = JSON.stringify({ firstName: 'Brian' });

    const res = await request(world.app)
      .post(pathOf(source.url))
      .set(hubspotHeaders(source.url!, body, CLIENT_SECRET, world.ctx.clock.now()))
      .send(body);

    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toEqual([
      'ticketId',
      'email',
    ]);
  });
});
