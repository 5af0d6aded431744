import nodemailer from 'nodemailer';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';

export interface OutgoingMail {
  workspaceId: string | null;
  to: string;
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
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

export function createSmtpMailer(smtpUrl: string, from: string): Mailer {
  const transport = nodemailer.createTransport(smtpUrl);
  return {
    async send(mail) {
      const info = (await transport.sendMail({
        from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        headers: mail.headers,
      })) as { messageId: string };
      return { messageId: info.messageId };
    },
    close: () => transport.close(),
  };
}

/**
 * Development mailbox: builds the real MIME message with nodemailer, then keeps it in
 * Postgres so `GET /dev/mailbox` can list it. Never enabled in production (config refuses).
 */
export function createDevMailboxMailer(db: Kysely<Database>, from: string): Mailer {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true });
  return {
    async send(mail) {
      const info = (await transport.sendMail({
        from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        headers: mail.headers,
      })) as { messageId: string };
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
