import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { Server } from 'node:http';
import https from 'node:https';
import type { AppContext } from './context';
import { createApp } from './http/app';
import { startOutboxRelay } from './jobs/outbox-relay.job';
import type { Poller } from './jobs/outbox-relay.job';
import { startScheduleKeeper } from './jobs/schedules';
import type { ScheduleKeeper } from './jobs/schedules';
import { startWorkers } from './jobs/workers';
import type { Workers } from './jobs/workers';

export interface RunningRoles {
  url?: string;
  stop(): Promise<void>;
}

/** Starts the roles named in GLAS_ROLES; stop() closes them in reverse order, then the context. */
export async function startRoles(ctx: AppContext): Promise<RunningRoles> {
  const roles = new Set(ctx.config.GLAS_ROLES);
  let server: Server | undefined;
  let workers: Workers | undefined;
  let relay: Poller | undefined;
  let keeper: ScheduleKeeper | undefined;
  let url: string | undefined;

  if (roles.has('scheduler')) {
    keeper = await startScheduleKeeper(ctx);
  }
  if (roles.has('worker')) {
    workers = startWorkers(ctx);
    relay = startOutboxRelay(ctx);
  }
  if (roles.has('api')) {
    const app = createApp(ctx);
    const { TLS_CERT_FILE: certFile, TLS_KEY_FILE: keyFile } = ctx.config;
    // NOTE: with a certificate Glas speaks HTTPS itself (Delighted's Ruby client forces TLS).
    const s: Server =
      certFile && keyFile
        ? https.createServer({ cert: readFileSync(certFile), key: readFileSync(keyFile) }, app)
        : http.createServer(app);
    server = await new Promise<Server>((resolve, reject) => {
      s.once('error', reject);
      s.listen(ctx.config.PORT, ctx.config.HOST, () => {
        s.off('error', reject);
        resolve(s);
      });
    });
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : ctx.config.PORT;
    const host =
      ctx.config.HOST === '0.0.0.0' || ctx.config.HOST === '::' ? 'localhost' : ctx.config.HOST;
    url = `${ctx.config.TLS_CERT_FILE ? 'https' : 'http'}://${host}:${port}`;
  }

  return {
    url,
    async stop() {
      if (server) {
        const s = server;
        await new Promise<void>((resolve) => {
          s.close(() => resolve());
          s.closeIdleConnections();
        });
      }
      await keeper?.stop();
      await relay?.stop();
      await workers?.close();
      await ctx.close();
    },
  };
}
