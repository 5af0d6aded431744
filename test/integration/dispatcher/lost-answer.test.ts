import net from 'node:net';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { deliverInvitation, reconcileInvitations } from '../../../src/dispatch/invitation.service';
import { bearer, buildSurvey, buildWorkspace } from '../../support/factories';
import { createTestWorld } from '../../support/test-context';
import type { TestWorld } from '../../support/test-context';

// An SMTP server that takes the whole message and then drops the connection before it
// answers the final dot: the mail may have been delivered. Glas must not send it again; it
// stays "maybe sent" and becomes send_unknown for an operator to decide.

let world: TestWorld;
let server: net.Server;
let messagesTaken = 0;

function droppingSmtp(): net.Server {
  return net.createServer((socket) => {
    let inData = false;
    let buffer = '';
    socket.write('220 drop.test ESMTP\r\n');
    socket.on('data', (chunk) => {
      buffer += chunk.toString('latin1');
      if (inData) {
        if (buffer.includes('\r\n.\r\n')) {
          messagesTaken++;
          socket.destroy();
        }
        return;
      }
      let end: number;
      while ((end = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO' || verb === 'HELO') {
          socket.write('250 drop.test\r\n');
        } else if (verb === 'MAIL' || verb === 'RCPT' || verb === 'RSET' || verb === 'NOOP') {
          socket.write('250 OK\r\n');
        } else if (verb === 'DATA') {
          inData = true;
          socket.write('354 go ahead\r\n');
          return;
        } else if (verb === 'QUIT') {
          socket.end('221 bye\r\n');
        } else {
          socket.write('502 not implemented\r\n');
        }
      }
    });
    socket.on('error', () => undefined);
  });
}

beforeAll(async () => {
  server = droppingSmtp();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  world = await createTestWorld({ env: { SMTP_URL: `smtp://127.0.0.1:${port}` } });
});
afterAll(async () => {
  await world.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('a connection lost after the message data', () => {
  it('is never retried: the invitation ends as send_unknown, the message went out once', async () => {
    const { workspace, adminKey } = await buildWorkspace(world.ctx.db);
    await buildSurvey(world.ctx.db, workspace.id);
    const accepted = await request(world.app)
      .post('/api/events')
      .set(bearer(adminKey))
      .send({ type: 'ticket.closed', contact: { email: 'maybe@example.com' } })
      .expect(202);
    const invitationId = accepted.body.invitations[0].id as string;
    const deps = { ...world.ctx, publicUrl: world.ctx.config.PUBLIC_URL, giveUpHours: 72 };

    expect(await deliverInvitation(deps, workspace.id, invitationId)).toBe('send_unknown');
    expect(messagesTaken).toBe(1);
    const row = await world.ctx.db
      .selectFrom('invitations')
      .select(['status', 'handed_at', 'message_id'])
      .where('id', '=', invitationId)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('sending');
    expect(row.handed_at).not.toBeNull();
    expect(row.message_id).toMatch(/^<.+>$/);
    // The queue's retry finds nothing to do.
    expect(await deliverInvitation(deps, workspace.id, invitationId)).toBe('already_handled');
    await reconcileInvitations(world.ctx.db, world.ctx.clock, {
      sendingTimeoutMs: 0,
      overdueMs: 0,
      giveUpHours: 72,
      claimLeaseMs: 0,
    });
    const after = await world.ctx.db
      .selectFrom('invitations')
      .select('status')
      .where('id', '=', invitationId)
      .executeTakeFirstOrThrow();
    expect(after.status).toBe('send_unknown');
    expect(messagesTaken).toBe(1);
  });
});
