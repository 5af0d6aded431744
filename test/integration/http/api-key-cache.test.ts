import request from 'supertest';
import type { Clock } from '../../../src/clock';
import { revokeApiKey } from '../../../src/workspaces/api-key.service';
import { hashToken } from '../../../src/platform/tokens';
import { bearer, buildApiKey, buildSurvey, buildWorkspace } from '../../support/factories';
import { createTestWorld } from '../../support/test-context';
import type { TestWorld } from '../../support/test-context';
import { countStatements } from '../../support/statement-counter';
import type { StatementCounter } from '../../support/statement-counter';

// The API-key cache as production runs it (API_KEY_CACHE_MS 1000), on a clock the test moves.
let now = Date.parse('2026-06-15T12:00:00Z');
const clock: Clock = { now: () => new Date(now) };
let world: TestWorld;
let counter: StatementCounter;

beforeAll(async () => {
  world = await createTestWorld({ env: { API_KEY_CACHE_MS: '1000' }, clock });
  counter = countStatements();
});
afterAll(async () => {
  counter.restore();
  await world.close();
});

async function keyIdOf(key: string): Promise<string> {
  const row = await world.ctx.db
    .selectFrom('api_keys')
    .select('id')
    .where('key_hash', '=', hashToken(key))
    .executeTakeFirstOrThrow();
  return row.id;
}

describe('API-key cache', () => {
  it('answers a key it authenticated within the TTL without looking it up again', async () => {
    const { workspace } = await buildWorkspace(world.ctx.db);
    const key = await buildApiKey(world.ctx.db, workspace.id, 'manager');
    await request(world.app).get('/api/surveys').set(bearer(key)).expect(200);
    const seen = await counter.counted(() =>
      request(world.app).get('/api/surveys').set(bearer(key)).expect(200),
    );
    expect(seen.some((s) => /api_keys/.test(s))).toBe(false);
  });

  it('POST /api/events with a cached key: two statements (the ingest read and glas_ingest)', async () => {
    const { workspace, adminKey } = await buildWorkspace(world.ctx.db);
    await buildSurvey(world.ctx.db, workspace.id, { eventType: 'ticket.solved' });
    const post = () =>
      request(world.app)
        .post('/api/events')
        .set(bearer(adminKey))
        .send({ type: 'ticket.solved', contact: { email: 'ana@example.com' } })
        .expect(202);
    await post();
    const seen = await counter.counted(post);
    // round-trips.test.ts counts the same post without the cache: 3.
    expect({ count: seen.length, seen }).toEqual({ count: 2, seen });
  });

  it('refuses a key revoked elsewhere (SQL, another process) once the TTL has passed', async () => {
    const { workspace } = await buildWorkspace(world.ctx.db);
    const key = await buildApiKey(world.ctx.db, workspace.id, 'manager');
    await request(world.app).get('/api/surveys').set(bearer(key)).expect(200);
    await world.ctx.db
      .updateTable('api_keys')
      .set({ revoked_at: new Date(now) })
      .where('id', '=', await keyIdOf(key))
      .execute();
    now += 999;
    await request(world.app).get('/api/surveys').set(bearer(key)).expect(200);
    now += 1;
    await request(world.app).get('/api/surveys').set(bearer(key)).expect(401);
  });

  it('refuses a key revoked through this process at once', async () => {
    const { workspace } = await buildWorkspace(world.ctx.db);
    const key = await buildApiKey(world.ctx.db, workspace.id, 'manager');
    await request(world.app).get('/api/surveys').set(bearer(key)).expect(200);
    const revoked = await revokeApiKey(
      world.ctx.db,
      workspace.id,
      await keyIdOf(key),
      clock.now(),
      world.ctx.apiKeys,
    );
    expect(revoked).toBe(true);
    await request(world.app).get('/api/surveys').set(bearer(key)).expect(401);
  });

  it('never keeps a key that failed, so a key created afterwards is not shadowed', async () => {
    await request(world.app)
      .get('/api/surveys')
      .set(bearer('glas_' + 'y'.repeat(43)))
      .expect(401);
    const { adminKey } = await buildWorkspace(world.ctx.db);
    await request(world.app).get('/api/surveys').set(bearer(adminKey)).expect(200);
  });
});
