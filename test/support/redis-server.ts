import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { waitFor } from './wait';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface PrivateRedis {
  url: string;
  /** Kills the server (SIGKILL: no save) and starts a fresh, empty one on the same port. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

async function waitForPing(port: number): Promise<void> {
  await waitFor(
    async () => {
      const client = new Redis({
        port,
        host: '127.0.0.1',
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      // A refused connection while the server starts is expected; connect() reports it.
      client.on('error', () => undefined);
      try {
        await client.connect();
        await client.ping();
        return true;
      } catch {
        // Not listening yet: poll again.
        return false;
      } finally {
        client.disconnect();
      }
    },
    { timeoutMs: 10_000, intervalMs: 50, what: `redis-server on ${port} to start` },
  );
}

/** A redis-server of our own on a free port, without persistence (a restart loses every job). */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let proc: ChildProcess | undefined;
  const start = async () => {
    proc = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--maxmemory-policy',
        'noeviction',
      ],
      { stdio: 'ignore' },
    );
    await waitForPing(port);
  };
  const kill = async () => {
    const p = proc;
    if (!p || p.exitCode !== null) {
      return;
    }
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill('SIGKILL');
    });
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    async restart() {
      await kill();
      await start();
    },
    stop: kill,
  };
}
