import { createHmac, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import request from 'supertest';
import { buildSentInvitation } from '../../support/collector-factories';
import { bearer, buildSurvey, buildWorkspace } from '../../support/factories';
import {
  mailgunComplained,
  mailgunEvent,
  mailgunFailed,
  postmarkBounce,
  postmarkSpamComplaint,
  sendgridBounce,
  sendgridDelivered,
  sendgridSpamReport,
} from '../../support/bounce-fixtures';
import { createTestWorld } from '../../support/test-context';
import type { TestWorld } from '../../support/test-context';

let world: TestWorld;
beforeAll(async () => {
  world = await createTestWorld();
});
afterAll(async () => {
  await world.close();
});

const addr = () => `bounce-${randomBytes(4).toString('hex')}@example.com`;
const pathOf = (url: string | undefined) => new URL(url ?? 'http://x/').pathname;

async function setup(provider: string, body: object = {}) {
  const { workspace, adminKey } = await buildWorkspace(world.ctx.db);
  const res = await request(world.app)
    .put(`/api/bounce-sources/${provider}`)
    .set(bearer(adminKey))
    .send(body);
  expect(res.status).toBe(201);
  return { workspace, adminKey, source: res.body as Record<string, string> };
}

async function bounces(key: string) {
  const res = await request(world.app).get('/api/bounces').set(bearer(key));
  return res.body.data as { email: string; source: string }[];
}

const eventCount = async () =>
  Number(
    (
      await world.ctx.db
        .selectFrom('bounce_events')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('POST /inbound/bounces/postmark', () => {
  it('suppresses a hard bounce once, shows it in /api/bounces and /v1/bounces', async () => {
    const { adminKey, source } = await setup('postmark');
    expect(source.urlWithCredentials).toContain(`glas:${source.password}@`);
    const email = addr();
    const auth = `Basic ${Buffer.from(`glas:${source.password}`).toString('base64')}`;
    const post = () =>
      request(world.app)
        .post(pathOf(source.url))
        .set('Authorization', auth)
        .set('Content-Type', 'application/json')
        .send(postmarkBounce(email));

    const first = await post();
    const again = await post();

    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ received: 1, suppressed: 1, duplicates: 0 });
    expect(again.body).toMatchObject({ received: 1, suppressed: 0, duplicates: 1 });
    expect(await bounces(adminKey)).toEqual([
      expect.objectContaining({ email, source: 'postmark bounce: HardBounce' }),
    ]);
    const v1 = await request(world.app)
      .get('/v1/bounces.json')
      .set('Authorization', `Basic ${Buffer.from(`${adminKey}:`).toString('base64')}`);
    expect(v1.status).toBe(200);
    expect(v1.body).toEqual([expect.objectContaining({ email })]);
    const row = await world.ctx.db
      .selectFrom('bounce_events')
      .select('provider_event_id')
      .where('provider', '=', 'postmark')
      .executeTakeFirstOrThrow();
    expect(row.provider_event_id).toBe('Bounce:4323372036854775807');
  });

  it('suppresses a spam complaint and leaves a transient bounce alone', async () => {
    const { adminKey, source } = await setup('postmark');
    const auth = `Basic ${Buffer.from(`glas:${source.password}`).toString('base64')}`;
    const [complainer, soft] = [addr(), addr()];
    const send = (body: string) =>
      request(world.app)
        .post(pathOf(source.url))
        .set('Authorization', auth)
        .type('json')
        .send(body);

    const complaint = await send(postmarkSpamComplaint(complainer));
    const transient = await send(postmarkBounce(soft, '77', 'Transient'));

    expect(complaint.body).toMatchObject({ suppressed: 1 });
    expect(transient.body).toMatchObject({ suppressed: 0, ignored: 1 });
    expect((await bounces(adminKey)).map((b) => b.email)).toEqual([complainer]);
  });

  it('marks the address’s unanswered recent sends bounced; a complaint and an answer do not', async () => {
    const { workspace, source } = await setup('postmark');
    const auth = `Basic ${Buffer.from(`glas:${source.password}`).toString('base64')}`;
    const survey = await buildSurvey(world.ctx.db, workspace.id, { kind: 'nps' });
    const [bounced, complainer] = [addr(), addr()];
    const sent = await buildSentInvitation(world.ctx.db, {
      workspaceId: workspace.id,
      surveyId: survey.id,
      email: bounced,
    });
    const answered = await buildSentInvitation(world.ctx.db, {
      workspaceId: workspace.id,
      surveyId: survey.id,
      contactId: sent.contact.id,
    });
    await world.ctx.db
      .updateTable('invitations')
      .set({ answered_at: new Date() })
      .where('id', '=', answered.invitation.id)
      .execute();
    const complained = await buildSentInvitation(world.ctx.db, {
      workspaceId: workspace.id,
      surveyId: survey.id,
      email: complainer,
    });
    const send = (body: string) =>
      request(world.app)
        .post(pathOf(source.url))
        .set('Authorization', auth)
        .type('json')
        .send(body);

    expect((await send(postmarkBounce(bounced, '601'))).body).toMatchObject({ suppressed: 1 });
    expect((await send(postmarkSpamComplaint(complainer))).body).toMatchObject({ suppressed: 1 });

    const rows = await world.ctx.db
      .selectFrom('invitations')
      .select(['id', 'status', 'last_error'])
      .where('workspace_id', '=', workspace.id)
      .execute();
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(sent.invitation.id)).toMatchObject({
      status: 'bounced',
      last_error: 'postmark bounce: HardBounce',
    });
    expect(byId.get(answered.invitation.id)?.status).toBe('sent');
    expect(byId.get(complained.invitation.id)?.status).toBe('sent');
  });

  it('does not store an erased person again: the bounce lands on the keyed hash', async () => {
    const { workspace, adminKey, source } = await setup('postmark');
    const auth = `Basic ${Buffer.from(`glas:${source.password}`).toString('base64')}`;
    const email = addr();
    const created = await request(world.app)
      .post('/api/contacts')
      .set(bearer(adminKey))
      .send({ email })
      .expect(201);
    await request(world.app)
      .post('/api/unsubscribes')
      .set(bearer(adminKey))
      .send({ email })
      .expect(201);
    await request(world.app)
      .delete(`/api/contacts/${created.body.id}?erase=true`)
      .set(bearer(adminKey))
      .expect(204);
    const post = (id: string) =>
      request(world.app)
        .post(pathOf(source.url))
        .set('Authorization', auth)
        .type('json')
        .send(postmarkBounce(email, id));

    expect((await post('501')).body).toMatchObject({ suppressed: 1 });
    expect((await post('502')).body).toMatchObject({ suppressed: 0, duplicates: 0 });

    const contacts = await world.ctx.db
      .selectFrom('contacts')
      .select('id')
      .where('workspace_id', '=', workspace.id)
      .execute();
    expect(contacts).toEqual([]);
    const kept = await world.ctx.db
      .selectFrom('suppressed_emails')
      .select('reason')
      .where('workspace_id', '=', workspace.id)
      .orderBy('reason')
      .execute();
    expect(kept.map((k) => k.reason)).toEqual(['bounced', 'unsubscribed']);
    // The address comes back only when the person does, bounced from the start.
    const again = await request(world.app)
      .post('/api/contacts')
      .set(bearer(adminKey))
      .send({ email })
      .expect(201);
    expect(again.body.bouncedAt).toEqual(expect.any(String));
  });

  it('answers 401 and stores nothing without the right credentials', async () => {
    const { adminKey, source } = await setup('postmark');
    const before = await eventCount();
    const wrong = `Basic ${Buffer.from('glas:not-the-password').toString('base64')}`;

    const none = await request(world.app)
      .post(pathOf(source.url))
      .type('json')
      .send(postmarkBounce(addr()));
    const bad = await request(world.app)
      .post(pathOf(source.url))
      .set('Authorization', wrong)
      .type('json')
      .send(postmarkBounce(addr()));

    expect([none.status, bad.status]).toEqual([401, 401]);
    expect(bad.body.error.code).toBe('invalid_signature');
    expect(await bounces(adminKey)).toEqual([]);
    expect(await eventCount()).toBe(before);
  });

  it('answers 400 naming the missing field of an unknown shape', async () => {
    const { source } = await setup('postmark');
    const auth = `Basic ${Buffer.from(`glas:${source.password}`).toString('base64')}`;

    const res = await request(world.app)
      .post(pathOf(source.url))
      .set('Authorization', auth)
      .type('json')
      .send({ RecordType: 'Bounce', ID: 5, Type: 'HardBounce' });
    const notJson = await request(world.app)
      .post(pathOf(source.url))
      .set('Authorization', auth)
      .type('json')
      .send('{"RecordType":');

    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([expect.objectContaining({ field: 'Email' })]);
    expect(notJson.status).toBe(400);
  });
});

function mailgunSignature(key: string) {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const token = randomBytes(25).toString('hex');
  const signature = createHmac('sha256', key)
    .update(timestamp + token)
    .digest('hex');
  return { timestamp, token, signature };
}

describe('POST /inbound/bounces/mailgun', () => {
  const signingKey = `key-${randomBytes(16).toString('hex')}`;

  it('suppresses permanent failures and complaints once, ignores temporary ones', async () => {
    const { adminKey, source } = await setup('mailgun', { signingKey });
    const [hard, complainer, soft] = [addr(), addr(), addr()];
    const send = (data: Record<string, unknown>) =>
      request(world.app)
        .post(pathOf(source.url))
        .type('json')
        .send(mailgunEvent(mailgunSignature(signingKey), data));

    const failed = await send(mailgunFailed(hard, 'G9Bn5sl1TC6PrRYqbqKrNw'));
    const repeat = await send(mailgunFailed(hard, 'G9Bn5sl1TC6PrRYqbqKrNw'));
    const complained = await send(mailgunComplained(complainer, 'ncV2XwymRUKbPek_MIM-Gw'));
    const temporary = await send(mailgunFailed(soft, 'Fs7-5t81S2ym4gWNWHGn5A', 'temporary'));

    expect(failed.body).toMatchObject({ suppressed: 1 });
    expect(repeat.body).toMatchObject({ suppressed: 0, duplicates: 1 });
    expect(complained.body).toMatchObject({ suppressed: 1 });
    expect(temporary.body).toMatchObject({ suppressed: 0, ignored: 1 });
    expect((await bounces(adminKey)).map((b) => b.email).sort()).toEqual([complainer, hard].sort());
  });

  it('answers 401 for a missing or wrong signature and stores nothing', async () => {
    const { adminKey, source } = await setup('mailgun', { signingKey });
    const before = await eventCount();
    const forged = mailgunSignature('another-signing-key-entirely');

    const wrong = await request(world.app)
      .post(pathOf(source.url))
      .type('json')
      .send(mailgunEvent(forged, mailgunFailed(addr(), 'a1')));
    const unsigned = await request(world.app)
      .post(pathOf(source.url))
      .type('json')
      .send({ 'event-data': mailgunFailed(addr(), 'a2') });

    expect([wrong.status, unsigned.status]).toEqual([401, 401]);
    expect(await bounces(adminKey)).toEqual([]);
    expect(await eventCount()).toBe(before);
  });

  it('answers 400 naming event-data.recipient when it is missing', async () => {
    const { source } = await setup('mailgun', { signingKey });
    const noRecipient: Record<string, unknown> = mailgunFailed(addr(), 'b1');
    delete noRecipient.recipient;

    const res = await request(world.app)
      .post(pathOf(source.url))
      .type('json')
      .send(mailgunEvent(mailgunSignature(signingKey), noRecipient));

    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([
      expect.objectContaining({ field: 'event-data.recipient' }),
    ]);
  });
});

function sendgridKeys() {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const verificationKey = publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
  return {
    verificationKey,
    sign(body: string, timestamp = String(Math.floor(Date.now() / 1000))) {
      const signature = sign('sha256', Buffer.from(timestamp + body), privateKey).toString(
        'base64',
      );
      return {
        'X-Twilio-Email-Event-Webhook-Signature': signature,
        'X-Twilio-Email-Event-Webhook-Timestamp': timestamp,
      };
    },
  };
}

describe('POST /inbound/bounces/sendgrid', () => {
  it('suppresses bounces and spam reports of a batch, not blocks or deliveries', async () => {
    const keys = sendgridKeys();
    const { adminKey, source } = await setup('sendgrid', { verificationKey: keys.verificationKey });
    const [hard, blocked, spam, delivered] = [addr(), addr(), addr(), addr()];
    const body = JSON.stringify([
      sendgridBounce(hard, 'rbtnWrG1DVDGGGFHFyun0A=='),
      sendgridBounce(blocked, 'Bz3l9LEn3qV8sG-fsVmxVw==', 'blocked'),
      sendgridSpamReport(spam, '37nvH5QBz858KGVYCM4uOA=='),
      sendgridDelivered(delivered, 'rWVYmVk90MjZJ9iohOBa3w=='),
    ]);

    const res = await request(world.app)
      .post(pathOf(source.url))
      .set(keys.sign(body))
      .type('json')
      .send(body);
    const again = await request(world.app)
      .post(pathOf(source.url))
      .set(keys.sign(body))
      .type('json')
      .send(body);

    expect(res.body).toEqual({ received: 4, suppressed: 2, duplicates: 0, ignored: 2 });
    expect(again.body).toMatchObject({ suppressed: 0, duplicates: 2 });
    expect((await bounces(adminKey)).map((b) => b.email).sort()).toEqual([hard, spam].sort());
  });

  it('answers 401 for a signature by another key or over another body', async () => {
    const keys = sendgridKeys();
    const { adminKey, source } = await setup('sendgrid', { verificationKey: keys.verificationKey });
    const body = JSON.stringify([sendgridBounce(addr(), 'c1')]);
    const other = JSON.stringify([sendgridBounce(addr(), 'c2')]);

    const byOther = await request(world.app)
      .post(pathOf(source.url))
      .set(sendgridKeys().sign(body))
      .type('json')
      .send(body);
    const tampered = await request(world.app)
      .post(pathOf(source.url))
      .set(keys.sign(body))
      .type('json')
      .send(other);
    const unsigned = await request(world.app).post(pathOf(source.url)).type('json').send(body);

    expect([byOther.status, tampered.status, unsigned.status]).toEqual([401, 401, 401]);
    expect(await bounces(adminKey)).toEqual([]);
  });

  it('answers 400 naming the event without an address', async () => {
    const keys = sendgridKeys();
    const { source } = await setup('sendgrid', { verificationKey: keys.verificationKey });
    const noEmail: Record<string, unknown> = sendgridBounce(addr(), 'd1');
    delete noEmail.email;
    const body = JSON.stringify([sendgridDelivered(addr(), 'd0'), noEmail]);

    const res = await request(world.app)
      .post(pathOf(source.url))
      .set(keys.sign(body))
      .type('json')
      .send(body);

    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([expect.objectContaining({ field: '1.email' })]);
  });
});

describe('/api/bounce-sources', () => {
  it('refuses a key that is not a SendGrid verification key, naming it', async () => {
    const { adminKey } = await buildWorkspace(world.ctx.db);

    const res = await request(world.app)
      .put('/api/bounce-sources/sendgrid')
      .set(bearer(adminKey))
      .send({ verificationKey: 'not-a-key', extra: 1 });

    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'extra',
      'verificationKey',
    ]);
  });

  it('keeps the secret sealed, the URL across rotations, and workspaces apart', async () => {
    const a = await setup('mailgun', { signingKey: 'first-signing-key-0001' });
    const b = await buildWorkspace(world.ctx.db);

    const rotated = await request(world.app)
      .put('/api/bounce-sources/mailgun')
      .set(bearer(a.adminKey))
      .send({ signingKey: 'second-signing-key-0002' });
    const listB = await request(world.app).get('/api/bounce-sources').set(bearer(b.adminKey));
    const deleteByB = await request(world.app)
      .delete('/api/bounce-sources/mailgun')
      .set(bearer(b.adminKey));
    const stored = await world.ctx.db
      .selectFrom('bounce_sources')
      .select('secret')
      .where('workspace_id', '=', a.workspace.id)
      .executeTakeFirstOrThrow();

    expect(rotated.status).toBe(200);
    expect(rotated.body.url).toBe(a.source.url);
    expect(listB.body.data).toEqual([]);
    expect(deleteByB.status).toBe(404);
    expect(stored.secret).not.toContain('second-signing-key');
    expect(stored.secret).toMatch(/^v1:/);
  });
});

describe('inbound bounce rate limit', () => {
  it('answers 429 with Retry-After past the per-source limit', async () => {
    const limited = await createTestWorld({ env: { RATE_LIMIT_API_PER_MINUTE: '3' } });
    try {
      const { adminKey } = await buildWorkspace(limited.ctx.db);
      const put = await request(limited.app)
        .put('/api/bounce-sources/postmark')
        .set(bearer(adminKey))
        .send({});
      const auth = `Basic ${Buffer.from(`glas:${put.body.password as string}`).toString('base64')}`;
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        const res = await request(limited.app)
          .post(pathOf(put.body.url as string))
          .set('Authorization', auth)
          .type('json')
          .send(postmarkBounce(addr(), String(1000 + i)));
        statuses.push(res.status);
        if (res.status === 429) {
          expect(res.headers['retry-after']).toBe('60');
        }
      }

      expect(statuses).toEqual([200, 200, 200, 429]);
    } finally {
      await limited.close();
    }
  });
});
