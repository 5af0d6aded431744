import { createHash } from 'node:crypto';
import request from 'supertest';
import { sql } from 'kysely';
import { emailKeyedHash } from '../../../src/platform/keyed-hash';
import { applyRetention } from '../../../src/contacts/retention.service';
import { bearer, buildSurvey, buildWorkspace } from '../../support/factories';
import { createTestWorld } from '../../support/test-context';
import type { TestWorld } from '../../support/test-context';

let now = new Date('2025-01-10T12:00:00Z');
const clock = { now: () => now };
let world: TestWorld;

beforeAll(async () => {
  world = await createTestWorld({ clock, env: { RATE_LIMIT_SURVEY_PER_MINUTE: '1000' } });
});
afterAll(async () => {
  await world.close();
});

/** An event through the API at the current clock, and a counted response with a comment for it. */
async function answeredEvent(
  adminKey: string,
  surveyId: string,
  email: string,
  score: number,
  comment: string,
) {
  const res = await request(world.app)
    .post('/api/events')
    .set(bearer(adminKey))
    .send({
      type: 'ticket.closed',
      contact: { email, name: 'Person Name' },
      properties: { team: 'billing' },
    })
    .expect(202);
  const invitation = res.body.invitations[0];
  const inv = await world.ctx.db
    .selectFrom('invitations')
    .selectAll()
    .where('id', '=', invitation.id)
    .executeTakeFirstOrThrow();
  await world.ctx.db
    .insertInto('responses')
    .values({
      workspace_id: inv.workspace_id,
      survey_id: surveyId,
      invitation_id: inv.id,
      contact_id: inv.contact_id,
      score,
      comment,
      segment: JSON.stringify({ team: 'billing' }),
      created_at: now,
      updated_at: now,
    })
    .execute();
  return inv;
}

async function metrics(adminKey: string, surveyId: string) {
  const res = await request(world.app)
    .get(`/api/surveys/${surveyId}/metrics`)
    .query({ since: '2025-01-01', until: '2026-06-30', interval: 'quarter', segment: 'team' })
    .set(bearer(adminKey))
    .expect(200);
  return res.body;
}

describe('data retention', () => {
  it('anonymizes personal data past the retention period and keeps every score', async () => {
    now = new Date('2025-01-10T12:00:00Z');
    const { workspace, adminKey } = await buildWorkspace(world.ctx.db);
    const survey = await buildSurvey(world.ctx.db, workspace.id);
    const other = await buildWorkspace(world.ctx.db);
    const otherSurvey = await buildSurvey(world.ctx.db, other.workspace.id);
    await request(world.app)
      .patch('/api/workspace')
      .set(bearer(adminKey))
      .send({ retentionMonths: 12 })
      .expect(200);

    await answeredEvent(adminKey, survey.id, 'old@example.com', 3, 'Old complaint about Ana');
    await answeredEvent(adminKey, survey.id, 'gone@example.com', 10, 'Old praise');
    await request(world.app)
      .post('/api/unsubscribes')
      .set(bearer(adminKey))
      .send({ email: 'gone@example.com' })
      .expect(201);
    await answeredEvent(other.adminKey, otherSurvey.id, 'kept@example.com', 5, 'No retention here');

    now = new Date('2026-06-01T12:00:00Z');
    await answeredEvent(adminKey, survey.id, 'new@example.com', 9, 'Recent comment');
    const before = await metrics(adminKey, survey.id);

    const result = await applyRetention(world.ctx.db, clock, world.ctx.hashEmail);
    expect(result).toMatchObject({ workspaces: 1, contactsErased: 2, responsesAnonymized: 2 });

    const contacts = await world.ctx.db
      .selectFrom('contacts')
      .select('email')
      .where('workspace_id', '=', workspace.id)
      .execute();
    expect(contacts.map((c) => c.email)).toEqual(['new@example.com']);
    const responses = await world.ctx.db
      .selectFrom('responses')
      .select(['score', 'comment', 'contact_id', 'anonymized_at'])
      .where('workspace_id', '=', workspace.id)
      .orderBy('created_at')
      .orderBy('score')
      .execute();
    expect(responses.map((r) => [r.score, r.comment])).toEqual([
      [3, null],
      [10, null],
      [9, 'Recent comment'],
    ]);
    expect(responses[0]!.contact_id).toBeNull();
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from events
      where workspace_id = ${workspace.id} and created_at < '2025-06-01' and (contact_id is not null or properties <> '{}'::jsonb)`.execute(
      world.ctx.db,
    );
    expect(rows[0]!.n).toBe(0);
    const dump = JSON.stringify(
      await sql`select * from contacts c full join invitations i on false full join events e on false where coalesce(c.workspace_id, i.workspace_id, e.workspace_id) = ${workspace.id}`.execute(
        world.ctx.db,
      ),
    );
    expect(dump).not.toMatch(/old@example\.com|gone@example\.com|Person Name.*old/);

    // Scores and rollups are untouched: the metrics API gives the same numbers.
    expect(await metrics(adminKey, survey.id)).toEqual(before);
    // The other workspace keeps everything.
    const kept = await world.ctx.db
      .selectFrom('responses')
      .select('comment')
      .where('workspace_id', '=', other.workspace.id)
      .execute();
    expect(kept).toEqual([{ comment: 'No retention here' }]);

    // The unsubscribe survives as a hash: the address is not surveyed again.
    const again = await request(world.app)
      .post('/api/events')
      .set(bearer(adminKey))
      .send({ type: 'ticket.closed', contact: { email: 'gone@example.com' } })
      .expect(202);
    expect(again.body.invitations[0]).toMatchObject({
      status: 'skipped',
      skipReason: 'unsubscribed',
    });

    // A second run has nothing left to do.
    const second = await applyRetention(world.ctx.db, clock, world.ctx.hashEmail);
    expect(second).toMatchObject({
      contactsErased: 0,
      responsesAnonymized: 0,
      invitationsUnlinked: 0,
      eventsScrubbed: 0,
    });
  });

  it('validates the retention setting', async () => {
    const { adminKey } = await buildWorkspace(world.ctx.db);
    for (const retentionMonths of [0, 121, 1.5, 'twelve']) {
      const res = await request(world.app)
        .patch('/api/workspace')
        .set(bearer(adminKey))
        .send({ retentionMonths })
        .expect(400);
      expect(res.body.error.details[0].field).toBe('retentionMonths');
    }
    const off = await request(world.app)
      .patch('/api/workspace')
      .set(bearer(adminKey))
      .send({ retentionMonths: null })
      .expect(200);
    expect(off.body.retentionMonths).toBeNull();
  });
});

describe('DELETE /api/contacts/:id?erase=true', () => {
  it('keeps only a hash keyed with GLAS_SECRET of an erased, unsubscribed address', async () => {
    const { workspace, adminKey } = await buildWorkspace(world.ctx.db);
    const email = 'Keyed@Example.com';
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
    const kept = await world.ctx.db
      .selectFrom('suppressed_emails')
      .selectAll()
      .where('workspace_id', '=', workspace.id)
      .execute();
    expect(kept.map((k) => k.email_hash)).toEqual([
      emailKeyedHash(world.ctx.config.GLAS_SECRET, email),
    ]);
    expect(JSON.stringify(kept)).not.toMatch(/keyed@example\.com/i);
    expect(kept[0]!.email_hash).not.toBe(
      createHash('sha256').update(email.toLowerCase()).digest('hex'),
    );
  });

  it('erases the person now and refuses unknown query values', async () => {
    now = new Date('2026-06-01T12:00:00Z');
    const { adminKey } = await buildWorkspace(world.ctx.db);
    const created = await request(world.app)
      .post('/api/contacts')
      .set(bearer(adminKey))
      .send({ email: 'erase@example.com' })
      .expect(201);
    await request(world.app)
      .delete(`/api/contacts/${created.body.id}?erase=maybe`)
      .set(bearer(adminKey))
      .expect(400);
    await request(world.app)
      .delete(`/api/contacts/${created.body.id}?erase=true`)
      .set(bearer(adminKey))
      .expect(204);
    await request(world.app)
      .get(`/api/contacts/${created.body.id}`)
      .set(bearer(adminKey))
      .expect(404);
  });
});
