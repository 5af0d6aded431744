import type { AddressInfo } from 'node:net';
import { generateKeyPairSync } from 'node:crypto';
import { SMTPServer } from 'smtp-server';
import { createSmtpMailer } from '../../../src/platform/mailer';
import type { Mailer, OutgoingMail } from '../../../src/platform/mailer';
import { freePort } from '../../support/redis-server';

// The hand-off to SMTP, at the SMTP level: a mail's beforeTransmit runs after the server
// accepted the envelope and before any byte of the message, so a worker that dies while
// connecting leaves a claim that is not "maybe sent"; a rejected hook transmits nothing.
interface Session {
  events: string[];
  messages: string[];
  refuse?: number;
}

async function startServer(session: Session) {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    disableReverseLookup: true,
    logger: false,
    onRcptTo(_address, _s, callback) {
      session.events.push('rcpt');
      if (session.refuse) {
        callback(Object.assign(new Error('No such user here'), { responseCode: session.refuse }));
        return;
      }
      callback();
    },
    onData(stream, _s, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => {
        if (chunks.length === 0) {
          session.events.push('message bytes');
        }
        chunks.push(c);
      });
      stream.on('end', () => {
        session.messages.push(Buffer.concat(chunks).toString('utf8'));
        callback();
      });
    },
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { url: `smtp://127.0.0.1:${port}`, server };
}

const mail = (to: string, beforeTransmit?: () => Promise<void>): OutgoingMail => ({
  workspaceId: null,
  to,
  subject: 'How did we do?',
  text: 'text',
  html: '<p>html</p>',
  headers: {},
  ...(beforeTransmit ? { beforeTransmit } : {}),
});

let session: Session;
let smtp: Awaited<ReturnType<typeof startServer>>;
let mailer: Mailer;

beforeEach(async () => {
  session = { events: [], messages: [] };
  smtp = await startServer(session);
  mailer = createSmtpMailer(smtp.url, 'Glas <surveys@glas.test>', undefined, 2);
});
afterEach(async () => {
  mailer.close();
  await new Promise<void>((resolve) => smtp.server.close(() => resolve()));
});

describe('the hand-off to SMTP', () => {
  it('runs beforeTransmit after the envelope was accepted and before any message byte', async () => {
    await mailer.send(
      mail('ana@example.com', () => {
        session.events.push('hook');
        return Promise.resolve();
      }),
    );
    expect(session.events).toEqual(['rcpt', 'hook', 'message bytes']);
    expect(session.messages).toHaveLength(1);
  });

  it('transmits nothing when beforeTransmit rejects, and rejects with that error', async () => {
    const lapsed = new Error('claim lapsed');
    await expect(mailer.send(mail('ana@example.com', () => Promise.reject(lapsed)))).rejects.toBe(
      lapsed,
    );
    expect(session.messages).toHaveLength(0);
    // The pool recovers: the next mail goes out.
    await mailer.send(mail('ben@example.com'));
    expect(session.messages).toHaveLength(1);
    expect(session.messages[0]).toContain('ben@example.com');
  });

  it('never runs beforeTransmit for a recipient the server refuses', async () => {
    session.refuse = 550;
    let called = false;
    const sent = mailer.send(
      mail('gone@example.com', () => {
        called = true;
        return Promise.resolve();
      }),
    );
    await expect(sent).rejects.toMatchObject({ responseCode: 550 });
    expect(called).toBe(false);
  });

  it('never runs beforeTransmit when the server cannot be reached', async () => {
    const nowhere = createSmtpMailer(`smtp://127.0.0.1:${await freePort()}`, 'a@glas.test');
    let called = false;
    try {
      await expect(
        nowhere.send(
          mail('ana@example.com', () => {
            called = true;
            return Promise.resolve();
          }),
        ),
      ).rejects.toMatchObject({ code: 'ESOCKET' });
    } finally {
      nowhere.close();
    }
    expect(called).toBe(false);
  });

  it('still runs beforeTransmit before the data of a DKIM-signed message', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const signed = createSmtpMailer(smtp.url, 'surveys@glas.test', {
      domainName: 'glas.test',
      keySelector: 's1',
      privateKey: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    });
    try {
      await signed.send(
        mail('ana@example.com', () => {
          session.events.push('hook');
          return Promise.resolve();
        }),
      );
    } finally {
      signed.close();
    }
    expect(session.events).toEqual(['rcpt', 'hook', 'message bytes']);
    expect(session.messages[0]).toMatch(/^DKIM-Signature: /m);
  });
});
