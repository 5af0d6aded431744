import { readFileSync } from 'node:fs';
import nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';
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

export function createSmtpMailer(smtpUrl: string, from: string, dkim?: DkimOptions): Mailer {
  const transport = nodemailer.createTransport(
    smtpUrl,
    dkim ? { dkim: { ...dkim, headerFieldNames: DKIM_SIGNED_HEADERS } } : {},
  );
  return {
    send: (mail) => sendWith(transport, from, mail),
    close: () => transport.close(),
  };
}

async function sendWith(
  transport: Transporter,
  from: string,
  mail: OutgoingMail,
): Promise<SentMail> {
  const info = (await transport.sendMail({
    from,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    headers: mail.headers,
    ...(mail.messageId ? { messageId: mail.messageId } : {}),
  })) as { messageId: string };
  return { messageId: info.messageId };
}

/**
 * Development mailbox: builds the real MIME message with nodemailer, then keeps it in
 * Postgres so `GET /dev/mailbox` can list it. Never enabled in production (config refuses).
 */
export function createDevMailboxMailer(db: Kysely<Database>, from: string): Mailer {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true });
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
