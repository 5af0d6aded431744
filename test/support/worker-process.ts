// A send worker in its own process, so a fault test can `kill -9` it mid-run.
import { loadConfig } from '../../src/config';
import { createContext } from '../../src/context';
import { startWorkers } from '../../src/jobs/workers';
import { createLogger } from '../../src/logger';

const config = loadConfig(process.env);
const ctx = createContext(config, {
  dbSchema: process.env.GLAS_TEST_SCHEMA,
  logger: createLogger('silent'),
});
startWorkers(ctx);
process.send?.('ready');
