import type { Server } from 'node:http';
import type { AppContext } from './context';
import { createApp } from './http/app';
import { startOutboxRelay } from './jobs/outbox-relay.job';
import type { Poller } from './jobs/outbox-relay.job';
import { upsertSchedules } from './jobs/schedules';
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
  let url: string | undefined;

  if (roles.has('scheduler')) {
    await upsertSchedules(ctx);
  }
  if (roles.has('worker')) {
    workers = startWorkers(ctx);
    relay = startOutboxRelay(ctx);
  }
  if (roles.has('api')) {
    const app = createApp(ctx);
    server = await new Promise<Server>((resolve, reject) => {
      const s = app.listen(ctx.config.PORT, ctx.config.HOST, (err?: Error) =>
        err ? reject(err) : resolve(s),
      );
    });
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : ctx.config.PORT;
    const host =
      ctx.config.HOST === '0.0.0.0' || ctx.config.HOST === '::' ? 'localhost' : ctx.config.HOST;
    url = `http://${host}:${port}`;
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
      await relay?.stop();
      await workers?.close();
      await ctx.close();
    },
  };
}
