import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { hashToken } from '../../../src/platform/tokens';
import { DELIGHTED_KEY_MAX } from '../../../src/workspaces/api-key-format';
import { createApiKey, revokeApiKey } from '../../../src/workspaces/api-key.service';
import { buildWorkspace } from '../../support/factories';
import { rubyPackM } from '../../support/raw-http-client';
import { createTestWorld } from '../../support/test-context';
import type { TestWorld } from '../../support/test-context';

// Keys every Delighted client can carry; keys made before (48 characters) keep working.

let world: TestWorld;

beforeAll(async () => {
  world = await createTestWorld();
});
afterAll(async () => {
  await world.close();
});

const basic = (key: string) => ({
  Authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}`,
});

/** A key as Glas made them before: `glas_` + 32 random bytes in base64url (48 characters). */
async function legacyKey(workspaceId: string) {
  const key = `glas_${randomBytes(32).toString('base64url')}`;
  await world.ctx.db
    .insertInto('api_keys')
    .values({
      workspace_id: workspaceId,
      name: 'legacy',
      role: 'admin',
      key_hash: hashToken(key),
      key_prefix: key.slice(0, 11),
    })
    .execute();
  return key;
}

describe('API keys and the Delighted clients', () => {
  it('makes keys of glas_ + 32 base62 characters that Ruby’s pack("m") keeps on one line', async () => {
    const { workspace, adminKey } = await buildWorkspace(world.ctx.db);
    const keys = [adminKey];
    for (let i = 0; i < 50; i++) {
      keys.push(
        (await createApiKey(world.ctx.db, workspace.id, { name: `k${i}`, role: 'manager' })).key,
      );
    }
    expect(new Set(keys).size).toBe(keys.length);
    for (const key of keys) {
      expect(key).toMatch(/^glas_[A-Za-z0-9]{32}$/);
      expect(key.length).toBeLessThanOrEqual(DELIGHTED_KEY_MAX);
      // pack('m') puts a line break after every 60 base64 characters (45 bytes of input).
      expect(Buffer.from(`${key}:`).toString('base64').length).toBeLessThanOrEqual(60);
      expect(rubyPackM(`${key}:`)).not.toContain('\n');
    }
    // 32 characters of 62: log2(62) × 32 ≈ 190 bits, far above the 128-bit floor.
    expect(32 * Math.log2(62)).toBeGreaterThan(190);
  });

  it('stores only the hash and a short prefix', async () => {
    const { workspace } = await buildWorkspace(world.ctx.db);
    const created = await createApiKey(world.ctx.db, workspace.id, { name: 'ci', role: 'admin' });
    const row = await world.ctx.db
      .selectFrom('api_keys')
      .selectAll()
      .where('id', '=', created.id)
      .executeTakeFirstOrThrow();
    expect(row.key_hash).toBe(hashToken(created.key));
    expect(row.key_prefix).toBe(created.key.slice(0, 11));
    expect(JSON.stringify(row)).not.toContain(created.key);
  });

  it('accepts a new key on /v1 and /api, and refuses it once revoked', async () => {
    const { workspace } = await buildWorkspace(world.ctx.db);
    const created = await createApiKey(world.ctx.db, workspace.id, { name: 'r', role: 'admin' });
    const ruby = { Authorization: `Basic ${rubyPackM(`${created.key}:`)}` };
    expect((await request(world.app).get('/v1/people').set(ruby)).status).toBe(200);
    const api = await request(world.app)
      .get('/api/surveys')
      .set('Authorization', `Bearer ${created.key}`);
    expect(api.status).toBe(200);
    await revokeApiKey(world.ctx.db, workspace.id, created.id, new Date());
    expect((await request(world.app).get('/v1/people').set(ruby)).status).toBe(401);
  });

  it('keeps a 48-character key working on /api and on /v1 for clients that carry it', async () => {
    const { workspace } = await buildWorkspace(world.ctx.db);
    const key = await legacyKey(workspace.id);
    expect(key).toHaveLength(48);
    const api = await request(world.app).get('/api/surveys').set('Authorization', `Bearer ${key}`);
    expect(api.status).toBe(200);
    // Node, PHP (key:) and Python (no colon) build the header in one piece.
    expect((await request(world.app).get('/v1/people').set(basic(key))).status).toBe(200);
    const python = { Authorization: `Basic ${Buffer.from(key).toString('base64')}` };
    expect((await request(world.app).get('/v1/people').set(python)).status).toBe(200);
    // Ruby's header would hold a line break, which Net::HTTP refuses to send.
    expect(rubyPackM(`${key}:`)).toContain('\n');
  });
});
