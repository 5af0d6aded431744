import { readFileSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { buildOpenApiDocument } from '../../../src/http/openapi';
import { createApp } from '../../../src/http/app';
import { createContext } from '../../../src/context';
import { loadConfig } from '../../../src/config';
import { createLogger } from '../../../src/logger';
import { createTestWorld, TEST_DATABASE_URL } from '../../support/test-context';
import type { TestWorld } from '../../support/test-context';

let world: TestWorld;

beforeAll(async () => {
  world = await createTestWorld();
});
afterAll(async () => {
  await world.close();
});

describe('operations endpoints', () => {
  it('GET /healthz answers 200 while the process lives', async () => {
    await request(world.app).get('/healthz').expect(200, { status: 'ok' });
  });

  it('GET /readyz answers 200 when Postgres, Redis and migrations are fine', async () => {
    const res = await request(world.app).get('/readyz').expect(200);
    expect(res.body).toEqual({
      status: 'ready',
      checks: { postgres: 'ok', redis: 'ok', migrations: 'ok', schedules: 'ok' },
    });
  });

  it('GET /readyz answers 503 JSON when Redis is unreachable and migrations are missing', async () => {
    const config = loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: TEST_DATABASE_URL,
      REDIS_URL: 'redis://127.0.0.1:1',
      REDIS_PREFIX: `${world.id}-down`,
      LOG_LEVEL: 'silent',
    });
    const ctx = createContext(config, {
      dbSchema: `${world.schema}_empty`,
      logger: createLogger('silent'),
    });
    ctx.redis.on('error', () => undefined);
    try {
      const res = await request(createApp(ctx)).get('/readyz').expect(503);
      expect(res.body.status).toBe('unavailable');
      expect(res.body.checks.postgres).toBe('ok');
      expect(res.body.checks.redis).not.toBe('ok');
      expect(res.body.checks.migrations).toMatch(/^pending: /);
      // Rate limits count in Redis; while it is away requests pass instead of failing.
      await request(createApp(ctx)).get('/s/short').expect(404);
    } finally {
      await ctx.close();
    }
  });

  it('GET /metrics exposes Prometheus metrics for HTTP, queues and sends', async () => {
    await request(world.app).get('/healthz');
    const res = await request(world.app).get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/text\/plain/);
    expect(res.text).toContain(
      'glas_http_requests_total{method="GET",route="/healthz",status="200"}',
    );
    expect(res.text).toMatch(/glas_queue_jobs\{queue="send-invitation",state="waiting"\} 0/);
    expect(res.text).toContain('# TYPE glas_invitation_sends_total counter');
  });

  it('GET /openapi.json serves the document, and the committed openapi.json is current', async () => {
    const res = await request(world.app).get('/openapi.json').expect(200);
    expect(res.body.openapi).toBe('3.1.0');
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining(['/api/surveys', '/api/events']),
    );
    const committed = JSON.parse(
      readFileSync(path.join(__dirname, '../../../openapi.json'), 'utf8'),
    );
    // When this fails, run `npm run openapi` and commit openapi.json.
    expect(committed).toEqual(JSON.parse(JSON.stringify(buildOpenApiDocument())));
  });

  it('sends security headers and no X-Powered-By', async () => {
    const res = await request(world.app).get('/healthz');
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.headers['referrer-policy']).toBe('no-referrer');
  });

  it('GET /metrics asks for the token when METRICS_TOKEN is set', async () => {
    const guarded = await createTestWorld({ env: { METRICS_TOKEN: 'metrics-token-0123456789' } });
    try {
      await request(guarded.app).get('/metrics').expect(401);
      await request(guarded.app).get('/metrics').set('Authorization', 'Bearer wrong').expect(401);
      await request(guarded.app)
        .get('/metrics')
        .set('Authorization', 'Bearer metrics-token-0123456789')
        .expect(200);
    } finally {
      await guarded.close();
    }
  });
});
