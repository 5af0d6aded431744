import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import nodemailer from 'nodemailer';
import type { SendMailOptions, Transporter } from 'nodemailer';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';

export interface OutgoingMail {
  workspaceId: string | null;
  to: string;
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
  /** `<…@…>`; nodemailer makes one up when absent. */
  messageId?: string;
  /**
   * Awaited once, after the server accepted the envelope and just before the first byte of
   * the message goes to it: the moment a send may have been delivered. If it rejects, the
   * message is not transmitted and send() rejects with that same error.
   */
  beforeTransmit?: () => Promise<void>;
}

export interface SentMail {
  messageId: string;
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<SentMail>;
  close(): void;
}

/** Whether a failed send may be retried: SMTP 4yz and connection errors are transient (RFC 5321 §4.2.1). */
export function isTransientMailError(err: unknown): boolean {
  const code = (err as { responseCode?: number }).responseCode;
  return typeof code !== 'number' || code < 500;
}

export interface DkimOptions {
  domainName: string;
  keySelector: string;
  privateKey: string;
}

/**
 * The headers DKIM signs. RFC 8058 one-click needs both List-Unsubscribe headers under the
 * signature (`h=`), or receivers will not offer the one-click button.
 */
export const DKIM_SIGNED_HEADERS = [
  'From',
  'To',
  'Subject',
  'Date',
  'Message-ID',
  'MIME-Version',
  'Content-Type',
  'List-Unsubscribe',
  'List-Unsubscribe-Post',
  'X-Glas-Invitation',
].join(':');

/** DKIM settings from config: all of domain, selector and key, or none (config enforces it). */
export function dkimFromConfig(config: {
  DKIM_DOMAIN?: string | undefined;
  DKIM_SELECTOR?: string | undefined;
  DKIM_PRIVATE_KEY?: string | undefined;
  DKIM_PRIVATE_KEY_FILE?: string | undefined;
}): DkimOptions | undefined {
  if (!config.DKIM_DOMAIN || !config.DKIM_SELECTOR) {
    return undefined;
  }
  // NOTE: env files cannot hold newlines easily, so a literal "\n" in the PEM stands for one.
  const privateKey = config.DKIM_PRIVATE_KEY
    ? config.DKIM_PRIVATE_KEY.replace(/\\n/g, '\n')
    : readFileSync(config.DKIM_PRIVATE_KEY_FILE!, 'utf8');
  return { domainName: config.DKIM_DOMAIN, keySelector: config.DKIM_SELECTOR, privateKey };
}

/**
 * SMTP through a pool of `poolSize` connections (the send concurrency): a mail costs its
 * envelope and data, not a new connection with its greeting, EHLO and TLS each time.
 */
export function createSmtpMailer(
  smtpUrl: string,
  from: string,
  dkim?: DkimOptions,
  poolSize = 5,
): Mailer {
  const transport = nodemailer.createTransport({
    url: smtpUrl,
    pool: true,
    maxConnections: poolSize,
    ...(dkim ? { dkim: { ...dkim, headerFieldNames: DKIM_SIGNED_HEADERS } } : {}),
  });
  gateTransmission(transport);
  return {
    send: (mail) => sendWith(transport, from, mail),
    close: () => transport.close(),
  };
}

type GatedOptions = SendMailOptions & { [BEFORE_TRANSMIT]?: () => Promise<void> };
const BEFORE_TRANSMIT = 'glasBeforeTransmit';

interface MessageNode {
  createReadStream(options?: unknown): Readable;
}

/**
 * Runs a mail's beforeTransmit when the transport starts reading the message, not before.
 * nodemailer's SMTP connection pipes the message stream only once the server answered DATA
 * (after MAIL FROM and RCPT TO), and the stream transport reads it at once; the gate is a
 * lazy stream in front of the real one (DKIM-signed already), so its first read is that moment.
 */
function gateTransmission(transport: Transporter): void {
  transport.use('stream', (mail, done) => {
    const hook = (mail.data as GatedOptions)[BEFORE_TRANSMIT];
    if (hook) {
      const node = mail.message as unknown as MessageNode;
      const createReadStream = node.createReadStream.bind(node);
      node.createReadStream = (options) => {
        const inner = createReadStream(options);
        const gate = Readable.from(
          (async function* () {
            await hook();
            yield* inner;
          })(),
          { objectMode: false },
        );
        gate.once('close', () => inner.destroy());
        return gate;
      };
    }
    done();
  });
}

async function sendWith(
  transport: Transporter,
  from: string,
  mail: OutgoingMail,
): Promise<SentMail> {
  const options: GatedOptions = {
    from,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    headers: mail.headers,
    ...(mail.messageId ? { messageId: mail.messageId } : {}),
  };
  let hookError: unknown;
  if (mail.beforeTransmit) {
    const hook = mail.beforeTransmit;
    options[BEFORE_TRANSMIT] = async () => {
      try {
        await hook();
      } catch (err) {
        hookError = err;
        throw err;
      }
    };
  }
  try {
    const info = (await transport.sendMail(options)) as { messageId: string };
    return { messageId: info.messageId };
  } catch (err) {
    // nodemailer wraps a stream error in its own; the caller needs the hook's, as it was.
    throw hookError ?? err;
  }
}

/**
 * Development mailbox: builds the real MIME message with nodemailer, then keeps it in
 * Postgres so `GET /dev/mailbox` can list it. Never enabled in production (config refuses).
 */
export function createDevMailboxMailer(db: Kysely<Database>, from: string): Mailer {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true });
  gateTransmission(transport);
  return {
    async send(mail) {
      const info = await sendWith(transport, from, mail);
      await db
        .insertInto('dev_mailbox')
        .values({
          workspace_id: mail.workspaceId,
          to_address: mail.to,
          subject: mail.subject,
          text_body: mail.text,
          html_body: mail.html,
          headers: JSON.stringify({ ...mail.headers, 'Message-ID': info.messageId }),
        })
        .execute();
      return { messageId: info.messageId };
    },
    close: () => transport.close(),
  };
}
