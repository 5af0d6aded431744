import request from 'supertest';
import { bearer, buildSurvey, buildWorkspace } from '../../support/factories';
import { createTestWorld } from '../../support/test-context';
import type { TestWorld } from '../../support/test-context';
import { waitFor } from '../../support/wait';

let world: TestWorld;

beforeAll(async () => {
  world = await createTestWorld({ env: { DEV_MAILBOX: 'true' } });
  world.startWorkers();
});
afterAll(async () => {
  await world.close();
});

async function waitForSent(invitationId: string) {
  let status = 'unknown';
  await waitFor(
    async () => {
      const row = await world.ctx.db
        .selectFrom('invitations')
        .select('status')
        .where('id', '=', invitationId)
        .executeTakeFirstOrThrow();
      status = row.status;
      return status === 'sent';
    },
    { timeoutMs: 20_000, what: () => `invitation ${invitationId} to be sent (still ${status})` },
  );
}

describe('GET /dev/mailbox', () => {
  it('keeps the invitation email when no SMTP server is used, with its clickable links', async () => {
    const { workspace, adminKey } = await buildWorkspace(world.ctx.db, 'Mailbox Co');
    await buildSurvey(world.ctx.db, workspace.id);
    const accepted = await request(world.app)
      .post('/api/events')
      .set(bearer(adminKey))
      .send({ type: 'ticket.closed', contact: { email: 'try@example.com', name: 'Try' } })
      .expect(202);
    await world.relay();
    await waitForSent(accepted.body.invitations[0].id);

    const res = await request(world.app).get('/dev/mailbox').expect(200);
    expect(res.body.data).toHaveLength(1);
    const [mail] = res.body.data;
    expect(mail).toMatchObject({ to: 'try@example.com' });
    expect(mail.subject).toContain('Mailbox Co');
    expect(mail.headers['X-Glas-Invitation']).toBe(accepted.body.invitations[0].id);
    const scoreLinks = mail.links.filter((l: string) => /\/s\/[A-Za-z0-9_-]{43}\/\d+$/.test(l));
    expect(scoreLinks).toHaveLength(11);
    // The link works: following it opens the survey page.
    await request(world.app).get(new URL(scoreLinks[9]).pathname).expect(200);
    expect(world.smtp.inbox).toHaveLength(0);
  });

  it('answers 400 naming limit for a bad limit', async () => {
    const res = await request(world.app).get('/dev/mailbox?limit=0').expect(400);
    expect(res.body.error.details[0].field).toBe('limit');
  });
});
