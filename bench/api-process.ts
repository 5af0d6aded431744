// A Glas API in its own process, for the scale-out rounds of bench/writes.ts (`--only events2`):
// the app factory the api role serves, on a port of its own, against the bench's schema.
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../src/config';
import { createContext } from '../src/context';
import { createApp } from '../src/http/app';
import { createLogger } from '../src/logger';

const ctx = createContext(loadConfig(process.env), {
  dbSchema: process.env.BENCH_SCHEMA,
  logger: createLogger('silent'),
});
const server = createApp(ctx).listen(0, '127.0.0.1', () => {
  process.send?.({ port: (server.address() as AddressInfo).port });
});
process.on('message', (message) => {
  if (message === 'cpu') {
    process.send?.({ cpu: process.cpuUsage() });
  } else if (message === 'stop') {
    server.close(() => void ctx.close().then(() => process.exit(0)));
  }
});
