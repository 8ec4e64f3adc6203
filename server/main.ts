import { loadConfig } from './config.ts';
import { createLogger } from './logger.ts';
import { createApplication } from './app.ts';
import { HallError } from '../contracts/index.ts';

/**
 * The only place that reads the environment (DESIGN.md import rules).
 * A bad configuration stops the process with a coded message naming the variable.
 */
let config;
try {
  config = loadConfig(process.env);
} catch (e) {
  const he = e as HallError;
  process.stderr.write(`${he.code ?? 'HALL_ERR_CONFIG'}: ${he.message}\n`);
  process.exit(2);
}
const logger = createLogger(config.LOG_LEVEL);
let app: Awaited<ReturnType<typeof createApplication>>;
try {
  app = await createApplication({ config, logger });
} catch (e) {
  logger.fatal({ err: e }, 'start failed');
  process.stderr.write(`start failed: ${(e as Error).message}\n`);
  process.exit(1);
}
logger.info(`open http://localhost:${app.httpPort}`);

// Graceful shutdown: stop taking new input, drain what was taken in, then close stores;
// close() stops the embedded PostgreSQL itself, last. Other listeners stay: under `npm start`
// tsx's own tells its parent the signal arrived, and without it tsx SIGKILLs us mid-drain.
let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(sig, () => {
    if (stopping) return;
    stopping = true;
    logger.info({ sig }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 30_000);
    force.unref();
    app.close().then(
      () => process.exit(0),
      (e: unknown) => {
        logger.error({ err: e }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}
process.on('unhandledRejection', (e) => logger.error({ err: e }, 'unhandled rejection'));
