import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, configShape, loadConfig } from '../../src/config';
import { schedulesFor } from '../../src/jobs/schedules';

describe('loadConfig', () => {
  it('gives every variable its documented default', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      NODE_ENV: 'development',
      PORT: 3000,
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/glas',
      REDIS_URL: 'redis://127.0.0.1:6379',
      GLAS_ROLES: ['api', 'worker', 'scheduler'],
      PUBLIC_URL: 'http://localhost:3000',
      DEV_MAILBOX: true,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('picks a subset of roles from GLAS_ROLES', () => {
    expect(loadConfig({ GLAS_ROLES: 'worker, scheduler' }).GLAS_ROLES).toEqual([
      'worker',
      'scheduler',
    ]);
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'mysql://localhost/glas'],
    ['REDIS_URL', 'not a url'],
    ['GLAS_ROLES', 'api,cron'],
    ['LOG_LEVEL', 'loud'],
    ['SMTP_URL', 'http://mail.example.com'],
    ['REDIS_PREFIX', 'has:colon'],
    ['REDIS_PREFIX', '{half'],
  ])('refuses %s=%s with a message naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(
      new RegExp(`^invalid configuration:[\\s\\S]*${name}`),
    );
  });

  it('takes a Redis Cluster hash tag as REDIS_PREFIX', () => {
    expect(loadConfig({ REDIS_PREFIX: '{glas}' }).REDIS_PREFIX).toBe('{glas}');
  });

  it('requires SMTP_URL in production and never runs the dev mailbox there', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/SMTP_URL: is required/);
    expect(() =>
      loadConfig({ NODE_ENV: 'production', SMTP_URL: 'smtp://mail:25', DEV_MAILBOX: 'true' }),
    ).toThrow(/DEV_MAILBOX/);
    expect(
      loadConfig({
        NODE_ENV: 'production',
        SMTP_URL: 'smtp://mail:25',
        GLAS_SECRET: 'x'.repeat(32),
      }).DEV_MAILBOX,
    ).toBe(false);
  });

  it('requires a GLAS_SECRET of at least 32 characters in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', SMTP_URL: 'smtp://mail:25' })).toThrow(
      /GLAS_SECRET: is required/,
    );
    expect(() => loadConfig({ GLAS_SECRET: 'short' })).toThrow(/GLAS_SECRET/);
    expect(loadConfig({}).GLAS_SECRET.length).toBeGreaterThanOrEqual(32);
  });

  it('treats empty variables as unset and trims a trailing slash from PUBLIC_URL', () => {
    const config = loadConfig({ PORT: '', PUBLIC_URL: 'https://glas.example.com/' });
    expect(config.PORT).toBe(3000);
    expect(config.PUBLIC_URL).toBe('https://glas.example.com');
  });
});

describe('.env.example', () => {
  const example = readFileSync(path.join(__dirname, '../../.env.example'), 'utf8');
  const listed = [...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]);

  it('lists every variable the config reads, once, with a comment above it', () => {
    const keys = Object.keys(configShape).sort();
    expect([...new Set(listed)].sort()).toEqual(keys);
    expect(listed).toHaveLength(new Set(listed).size);
    const lines = example.split('\n');
    for (const key of keys) {
      // The comment sits right above the variable, or above the group of variables it belongs to.
      let above = lines.findIndex((l) => new RegExp(`^#?\\s*${key}=`).test(l)) - 1;
      while (above > 0 && /^[A-Z][A-Z0-9_]+=/.test(lines[above]!)) {
        above--;
      }
      expect(`${key}: ${lines[above] ?? ''}`).toMatch(new RegExp(`^${key}: # `));
    }
  });

  it('shows values that the config accepts', () => {
    const values = Object.fromEntries(
      [...example.matchAll(/^([A-Z][A-Z0-9_]+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]),
    );
    expect(() => loadConfig(values)).not.toThrow();
  });
});

describe('RECONCILE_INTERVAL_SECONDS', () => {
  it('takes intervals a cron can repeat evenly, and names the reconciler pattern', () => {
    const at = (v: string) => schedulesFor(loadConfig({ RECONCILE_INTERVAL_SECONDS: v }));
    const reconcile = (v: string) => at(v).find((s) => s.id === 'reconcile-invitations');
    expect(reconcile('5')).toMatchObject({ pattern: '*/5 * * * * *', intervalSeconds: 5 });
    expect(reconcile('120')).toMatchObject({ pattern: '*/2 * * * *', intervalSeconds: 120 });
    for (const bad of ['0', '7', '90', '3600', 'x']) {
      expect(() => at(bad)).toThrow(/RECONCILE_INTERVAL_SECONDS/);
    }
  });
});
