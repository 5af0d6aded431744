import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import type { ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { waitFor } from './wait';

export interface ReceivedMail {
  raw: string;
  parsed: ParsedMail;
  to: string[];
  headers: Map<string, unknown>;
  invitationId: string | undefined;
}

/** Per-recipient answer chosen by a test: undefined accepts, a number rejects with that code. */
export type RcptPolicy = (address: string) => number | undefined;

export interface TestSmtp {
  url: string;
  port: number;
  inbox: ReceivedMail[];
  setPolicy(policy: RcptPolicy | undefined): void;
  waitForMails(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  close(): Promise<void>;
}

/** A real SMTP server (smtp-server) on a free port; every accepted message is parsed with mailparser. */
export async function startSmtpServer(): Promise<TestSmtp> {
  const inbox: ReceivedMail[] = [];
  let policy: RcptPolicy | undefined;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    disableReverseLookup: true,
    logger: false,
    onRcptTo(address, _session, callback) {
      const code = policy?.(address.address);
      if (code) {
        const err = new Error(code >= 500 ? 'No such user here' : 'Try again later') as Error & {
          responseCode: number;
        };
        err.responseCode = code;
        callback(err);
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        simpleParser(raw)
          .then((parsed) => {
            const header = parsed.headers.get('x-glas-invitation');
            inbox.push({
              raw,
              parsed,
              to: session.envelope.rcptTo.map((r) => r.address),
              headers: parsed.headers,
              invitationId: typeof header === 'string' ? header : undefined,
            });
            callback();
          })
          .catch((err: Error) => callback(err));
      });
    },
  });
  // A client killed mid-session (fault tests kill -9 workers) resets its socket: not our error.
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    inbox,
    setPolicy(p) {
      policy = p;
    },
    async waitForMails(count, timeoutMs = 20_000) {
      await waitFor(() => inbox.length >= count, {
        timeoutMs,
        what: () => `${count} mail(s), got ${inbox.length}`,
      });
      return inbox.slice(0, count);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
