import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { bearer, buildSurvey, buildWorkspace } from '../../support/factories';
import { sesBounce, sesComplaint } from '../../support/bounce-fixtures';
import { createTestWorld } from '../../support/test-context';
import type { TestWorld } from '../../support/test-context';

// SNS as https://docs.aws.amazon.com/sns/latest/dg/sns-message-and-json-formats.html shows its
// HTTP(S) messages, signed as https://docs.aws.amazon.com/sns/latest/dg/sns-verify-signature-of-message.html
// describes, by a key and self-signed certificate made here and served from loopback.

const dir = mkdtempSync(path.join(tmpdir(), 'glas-sns-'));
execFileSync(
  'openssl',
  [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=sns.amazonaws.com',
    '-keyout',
    path.join(dir, 'key.pem'),
    '-out',
    path.join(dir, 'cert.pem'),
  ],
  { stdio: 'ignore' },
);
const privateKey = readFileSync(path.join(dir, 'key.pem'), 'utf8');
const certificate = readFileSync(path.join(dir, 'cert.pem'), 'utf8');
rmSync(dir, { recursive: true });

const CERT_URL =
  'https://sns.us-west-2.amazonaws.com/SimpleNotificationService-f3ecfb7224c7233fe7bb5f59f96de52f.pem';
const TOPIC = 'arn:aws:sns:us-west-2:123456789012:MyTopic';

/** What Glas fetched: the loopback server answers for sns.*.amazonaws.com. */
const fetched: string[] = [];
let server: http.Server;
let world: TestWorld;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    res.end(req.url?.endsWith('.pem') ? certificate : '<ConfirmSubscriptionResponse/>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  world = await createTestWorld({
    fetchSns: async (url) => {
      fetched.push(url.href);
      const res = await fetch(`http://127.0.0.1:${port}${url.pathname}${url.search}`);
      return res.text();
    },
  });
});
afterAll(async () => {
  await world.close();
  await new Promise((resolve) => server.close(resolve));
});

/** The string to sign, field by field in the documented order (Subject only when present). */
function signSns(msg: Record<string, string>, version: '1' | '2' = '2') {
  const fields =
    msg.Type === 'Notification'
      ? ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type']
      : ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'];
  const text = fields
    .filter((f) => msg[f] !== undefined)
    .map((f) => `${f}\n${msg[f]}\n`)
    .join('');
  const signature = sign(
    version === '1' ? 'RSA-SHA1' : 'RSA-SHA256',
    Buffer.from(text),
    privateKey,
  );
  return {
    ...msg,
    SignatureVersion: version,
    Signature: signature.toString('base64'),
    SigningCertURL: msg.SigningCertURL ?? CERT_URL,
  };
}

function notification(message: object, overrides: Record<string, string> = {}) {
  return {
    Type: 'Notification',
    MessageId: randomUUID(),
    TopicArn: TOPIC,
    Message: JSON.stringify(message),
    Timestamp: '2012-05-02T00:54:06.655Z',
    UnsubscribeURL: `https://sns.us-west-2.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${TOPIC}:c9135db0`,
    ...overrides,
  };
}

const addr = () => `ses-${randomBytes(4).toString('hex')}@example.com`;

async function setup(topicArn = TOPIC) {
  const { workspace, adminKey } = await buildWorkspace(world.ctx.db);
  const res = await request(world.app)
    .put('/api/bounce-sources/ses')
    .set(bearer(adminKey))
    .send({ topicArn });
  expect(res.status).toBe(201);
  const post = (body: unknown) =>
    request(world.app)
      .post(new URL(res.body.url as string).pathname)
      .set('Content-Type', 'text/plain; charset=UTF-8')
      .set('x-amz-sns-message-type', String((body as { Type?: string }).Type))
      .send(JSON.stringify(body));
  const bounced = async () =>
    (await request(world.app).get('/api/bounces').set(bearer(adminKey))).body.data as {
      email: string;
      source: string;
    }[];
  return { workspace, adminKey, post, bounced };
}

describe('POST /inbound/bounces/ses', () => {
  it('confirms the subscription through the SubscribeURL after checking the signature', async () => {
    const { post } = await setup();
    const subscribeUrl = `https://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription&TopicArn=${TOPIC}&Token=2336412f37fb687f5d51e6e241d09c80`;
    const message = signSns(
      {
        Type: 'SubscriptionConfirmation',
        MessageId: '165545c9-2a5c-472c-8df2-7ff2be2b3b1b',
        Token: '2336412f37fb687f5d51e6e241d09c80',
        TopicArn: TOPIC,
        Message: `You have chosen to subscribe to the topic ${TOPIC}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`,
        SubscribeURL: subscribeUrl,
        Timestamp: '2012-04-26T20:45:04.751Z',
      },
      '1',
    );

    const res = await post(message);

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ subscriptionConfirmed: true });
    expect(fetched).toContain(subscribeUrl);
  });

  it('suppresses a permanent bounce and a complaint once; a later event surveys nobody', async () => {
    const { workspace, adminKey, post, bounced } = await setup();
    await buildSurvey(world.ctx.db, workspace.id);
    const [hard, complainer, soft] = [addr(), addr(), addr()];
    const bounce = signSns(notification(sesBounce(hard, '00000138111222aa-33322211-cccc')));

    const first = await post(bounce);
    const again = await post(bounce);
    const complaint = await post(
      signSns(notification(sesComplaint(complainer, '000001378603177f-18c07c78')), '1'),
    );
    const transient = await post(
      signSns(notification(sesBounce(soft, '00000138111222aa-transient', 'Transient'))),
    );
    const event = await request(world.app)
      .post('/api/events')
      .set(bearer(adminKey))
      .send({ type: 'ticket.closed', contact: { email: hard } });

    expect(first.body).toMatchObject({ suppressed: 1, duplicates: 0 });
    expect(again.body).toMatchObject({ suppressed: 0, duplicates: 1 });
    expect(complaint.body).toMatchObject({ suppressed: 1 });
    expect(transient.body).toMatchObject({ suppressed: 0, ignored: 1 });
    expect((await bounced()).map((b) => [b.email, b.source]).sort()).toEqual(
      [
        [hard, 'ses bounce: Permanent/General'],
        [complainer, 'ses complaint: abuse'],
      ].sort(),
    );
    expect(event.status).toBe(202);
    const sent = await world.ctx.db
      .selectFrom('invitations')
      .innerJoin('contacts', 'contacts.id', 'invitations.contact_id')
      .select(['invitations.status', 'invitations.skip_reason'])
      .where('contacts.email', '=', hard)
      .execute();
    expect(sent).toEqual([{ status: 'skipped', skip_reason: 'bounced' }]);
  });

  it('answers 401 and stores nothing for a tampered, foreign-topic or off-host message', async () => {
    const { post, bounced } = await setup();
    const signed = signSns(notification(sesBounce(addr(), 'feedback-1')));
    const tampered = { ...signed, Message: JSON.stringify(sesBounce(addr(), 'feedback-1')) };
    const foreign = signSns(
      notification(sesBounce(addr(), 'feedback-2'), { TopicArn: `${TOPIC}x` }),
    );
    const offHost = signSns(
      notification(sesBounce(addr(), 'feedback-3'), {
        SigningCertURL: 'https://sns.us-west-2.amazonaws.com.evil.example/cert.pem',
      }),
    );
    const unsigned = notification(sesBounce(addr(), 'feedback-4'));
    const fetchedBefore = fetched.length;

    const answers = await Promise.all([tampered, foreign, offHost, unsigned].map(post));

    expect(answers.map((a) => a.status)).toEqual([401, 401, 401, 401]);
    expect(fetched.slice(fetchedBefore).some((u) => u.includes('evil'))).toBe(false);
    expect(await bounced()).toEqual([]);
  });

  it('answers 400 naming what is missing in a signed but unknown notification', async () => {
    const { post } = await setup();
    const noRecipients = sesBounce(addr(), 'feedback-5') as { bounce: Record<string, unknown> };
    delete noRecipients.bounce.bouncedRecipients;

    const missing = await post(signSns(notification(noRecipients)));
    const notJson = await post(signSns(notification({}, { Message: 'Hello world!' })));

    expect(missing.status).toBe(400);
    expect(missing.body.error.details).toEqual([
      expect.objectContaining({ field: 'bounce.bouncedRecipients' }),
    ]);
    expect(notJson.status).toBe(400);
    expect(notJson.body.error.details).toEqual([expect.objectContaining({ field: 'Message' })]);
  });

  it('refuses a topic that is not an SNS ARN, naming topicArn', async () => {
    const { adminKey } = await buildWorkspace(world.ctx.db);

    const res = await request(world.app)
      .put('/api/bounce-sources/ses')
      .set(bearer(adminKey))
      .send({ topicArn: 'MyTopic' });

    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([expect.objectContaining({ field: 'topicArn' })]);
  });
});
