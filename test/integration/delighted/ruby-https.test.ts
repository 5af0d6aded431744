import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../../src/config';
import { createContext } from '../../../src/context';
import { createLogger } from '../../../src/logger';
import { startRoles } from '../../../src/roles';
import type { RunningRoles } from '../../../src/roles';
import { buildWorkspace } from '../../support/factories';
import { rubyPackM } from '../../support/raw-http-client';
import { createTestWorld, TEST_DATABASE_URL } from '../../support/test-context';
import type { TestWorld } from '../../support/test-context';

// docs/migration/ruby.md, followed as written: a private CA, Glas serving HTTPS with a
// certificate it signed, and the CA trusted through SSL_CERT_FILE. Ruby's Net::HTTP verifies
// with OpenSSL's default paths, which read SSL_CERT_FILE; `openssl s_client` without -CAfile
// uses the same lookup, so it stands in for the Ruby process here.

let world: TestWorld;
let roles: RunningRoles;
let dir: string;
let port: string;

const openssl = (...args: string[]) =>
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });

beforeAll(async () => {
  world = await createTestWorld();
  dir = mkdtempSync(path.join(tmpdir(), 'glas-ruby-tls-'));
  // The commands of docs/migration/ruby.md, with 127.0.0.1 as the host name.
  const sh = (line: string) => openssl(...line.split(' '));
  sh(
    'req -x509 -newkey rsa:2048 -nodes -days 3650 -subj /CN=Glas-private-CA -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign -keyout ca.key -out ca.pem',
  );
  sh('req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout glas.key -out glas.csr');
  writeFileSync(
    path.join(dir, 'glas.ext'),
    'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n',
  );
  sh(
    'x509 -req -in glas.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 825 -extfile glas.ext -out glas.pem',
  );
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: TEST_DATABASE_URL,
    REDIS_URL: world.ctx.config.REDIS_URL,
    REDIS_PREFIX: `${world.ctx.config.REDIS_PREFIX}-tls`,
    GLAS_ROLES: 'api',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'silent',
    TLS_CERT_FILE: path.join(dir, 'glas.pem'),
    TLS_KEY_FILE: path.join(dir, 'glas.key'),
  });
  const ctx = createContext(config, { dbSchema: world.schema, logger: createLogger('silent') });
  roles = await startRoles(ctx);
  port = new URL(roles.url ?? '').port;
});
afterAll(async () => {
  await roles.stop();
  await world.close();
});

/** One request over `openssl s_client`, verifying the server with the given SSL_CERT_FILE. */
function overTls(certFile: string, httpRequest: string) {
  return new Promise<{ code: number | null; out: string }>((resolve, reject) => {
    const args = `s_client -connect 127.0.0.1:${port} -verify_return_error -verify_ip 127.0.0.1 -quiet`;
    const child = spawn('openssl', args.split(' '), {
      env: { ...process.env, SSL_CERT_FILE: certFile },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
    child.stdin.end(httpRequest);
  });
}

describe('HTTPS the Ruby client trusts', () => {
  it('verifies Glas’s certificate through SSL_CERT_FILE and answers the gem’s request', async () => {
    const { adminKey } = await buildWorkspace(world.ctx.db);
    const rubyRequest = [
      'GET /v1/people HTTP/1.1',
      `Host: 127.0.0.1:${port}`,
      `Authorization: Basic ${rubyPackM(`${adminKey}:`)}`,
      'User-Agent: Delighted RubyGem 2.1.0rc1',
      'Accept: application/json',
      'Connection: close',
      '',
      '',
    ].join('\r\n');
    const trusted = await overTls(path.join(dir, 'ca.pem'), rubyRequest);
    expect(trusted.out).toMatch(/^HTTP\/1\.1 200 OK/m);
    expect(trusted.out).toMatch(/\r\n\r\n\[\]$/);

    // Without the CA the handshake fails, as Net::HTTP's VERIFY_PEER would.
    const untrusted = await overTls(path.join(dir, 'glas.csr'), rubyRequest);
    expect(untrusted.out).not.toMatch(/HTTP\/1\.1 200/);
    expect(untrusted.out).toMatch(/verify error|certificate verify failed/i);
  });
});
