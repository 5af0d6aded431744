// A Glas worker role in its own process, for the scale-out rounds of bench/delivery.ts: the
// BullMQ workers only. The bench process relays the outbox, so its clock starts at the first
// enqueue whatever the number of worker processes.
import { loadConfig } from '../src/config';
import { createContext } from '../src/context';
import { startWorkers } from '../src/jobs/workers';
import { createLogger } from '../src/logger';

const ctx = createContext(loadConfig(process.env), {
  dbSchema: process.env.BENCH_SCHEMA,
  logger: createLogger('silent'),
});
const workers = startWorkers(ctx);
process.on('message', (message) => {
  if (message === 'stop') {
    void workers
      .close()
      .then(() => ctx.close())
      .then(() => process.exit(0));
  }
});
process.send?.('ready');
