import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { SMTPServer } from 'smtp-server';
import { bearer, buildSurvey, buildWorkspace } from '../../support/factories';
import { createTestWorld } from '../../support/test-context';
import type { TestWorld } from '../../support/test-context';
import { waitFor } from '../../support/wait';

// A worker sends several mails at once (SEND_CONCURRENCY), but only one at a time is between
// its hand-off and its recorded outcome: a process killed at any instant leaves at most one
// send whose fate is unknown (docs/reliability.md, "Invitations: claim states").

let world: TestWorld;
let server: SMTPServer;
let inData = 0;
let maxInData = 0;
let inEnvelope = 0;
let maxInEnvelope = 0;
const received: string[] = [];

beforeAll(async () => {
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    disableReverseLookup: true,
    logger: false,
    onMailFrom(_address, _session, callback) {
      inEnvelope++;
      maxInEnvelope = Math.max(maxInEnvelope, inEnvelope);
      // A slow envelope, so that concurrent sends overlap here.
      setTimeout(() => {
        inEnvelope--;
        callback();
      }, 100);
    },
    onData(stream, session, callback) {
      // From the first byte of the message (the hand-off) to the server's answer.
      let started = false;
      stream.on('data', () => {
        if (!started) {
          started = true;
          inData++;
          maxInData = Math.max(maxInData, inData);
        }
      });
      stream.on('end', () => {
        // The server takes its time to answer the final dot: the "maybe sent" window.
        setTimeout(() => {
          inData--;
          received.push(session.envelope.rcptTo[0]?.address ?? '');
          callback();
        }, 100);
      });
    },
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  world = await createTestWorld({
    env: { SMTP_URL: `smtp://127.0.0.1:${port}`, SEND_CONCURRENCY: '5' },
  });
});
afterAll(async () => {
  await world.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('the hand-off turn', () => {
  it('overlaps envelopes but keeps one send at a time in the window of unknown outcome', async () => {
    const { workspace, adminKey } = await buildWorkspace(world.ctx.db);
    await buildSurvey(world.ctx.db, workspace.id);
    for (let i = 0; i < 6; i++) {
      await request(world.app)
        .post('/api/events')
        .set(bearer(adminKey))
        .send({ type: 'ticket.closed', contact: { email: `turn-${i}@example.com` } })
        .expect(202);
    }
    world.startWorkers({ relay: true });
    await waitFor(() => received.length >= 6, { what: () => `6 mails (got ${received.length})` });
    // The server counts a mail before its answer goes out, so the last outcome may lag a little.
    const statuses = () =>
      world.ctx.db
        .selectFrom('invitations')
        .select('status')
        .where('workspace_id', '=', workspace.id)
        .execute()
        .then((rows) => rows.map((r) => r.status));
    await waitFor(async () => (await statuses()).every((s) => s === 'sent'), {
      what: 'every outcome recorded',
    });
    expect(await statuses()).toEqual(Array(6).fill('sent'));
    expect(new Set(received).size).toBe(6);
    expect(maxInEnvelope).toBeGreaterThan(1);
    expect(maxInData).toBe(1);
  });
});
