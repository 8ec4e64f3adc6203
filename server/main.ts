import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';
import { loadConfig } from './config.ts';
import { createLogger } from './logger.ts';
import { createApplication } from './app.ts';
import { runPrimary } from './cluster/primary.ts';
import { runWorker } from './cluster/worker.ts';
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
const workers = config.WORKERS === 0 ? availableParallelism() : config.WORKERS;
const role = process.env.HALL_ROLE === 'owner' || process.env.HALL_ROLE === 'web' ? process.env.HALL_ROLE : null;

if (workers > 1 && cluster.isPrimary) {
  try {
    await runPrimary(config, logger, workers);
  } catch (e) {
    logger.fatal({ err: e }, 'start failed');
    process.stderr.write(`start failed: ${(e as Error).message}\n`);
    process.exit(1);
  }
} else {
  let app: Awaited<ReturnType<typeof createApplication>>;
  try {
    app = role ? await runWorker(config, logger, role) : await createApplication({ config, logger });
  } catch (e) {
    logger.fatal({ err: e }, 'start failed');
    process.stderr.write(`start failed: ${(e as Error).message}\n`);
    process.exit(1);
  }
  if (!role) logger.info(`open http://localhost:${app.httpPort}`);

  // Graceful shutdown: stop taking new input, drain what was taken in, then close stores;
  // close() stops the embedded PostgreSQL itself, last. Other listeners stay: under `npm start`
  // tsx's own tells its parent the signal arrived, and without it tsx SIGKILLs us mid-drain.
  // A worker stops on the primary's SIGTERM only (Ctrl-C reaches the whole group; the primary
  // orders the stop so the owner's database outlives the web processes).
  const signals = role ? (['SIGTERM'] as const) : (['SIGINT', 'SIGTERM', 'SIGHUP'] as const);
  if (role) for (const sig of ['SIGINT', 'SIGHUP'] as const) process.on(sig, () => undefined);
  let stopping = false;
  for (const sig of signals) {
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
}
process.on('unhandledRejection', (e) => logger.error({ err: e }, 'unhandled rejection'));
