import cluster, { type Worker } from 'node:cluster';
import type { Config } from '../../contracts/index.ts';
import type { OwnerInfo } from '../app.ts';
import type { Logger } from '../logger.ts';

/**
 * Several server processes on one box (WORKERS, docs/scaling.md, ADR 0012).
 * Every worker listens on HTTP_PORT; Node's cluster module hands each new
 * connection to the next worker that listens (round robin), and a
 * keep-alive connection stays with its worker. Socket.IO is WebSocket-only
 * in this mode, so no request of a socket ever needs a particular worker.
 * This process runs no product code: it starts the owner, waits until it
 * is ready, starts the web workers with what the owner started, carries the
 * web workers' ClickHouse reads to the owner, and restarts a web worker that
 * dies (connections go to the others meanwhile). When
 * the owner dies (it holds the embedded database and the broker), the whole
 * group stops with a non-zero code so the supervisor (systemd, the container
 * runtime) starts it again.
 */
export async function runPrimary(config: Config, logger: Logger, workers: number): Promise<void> {
  const log = logger.child({ module: 'cluster' });
  const env = (role: 'owner' | 'web') => ({ HALL_ROLE: role });
  let stopping = false;

  cluster.schedulingPolicy = cluster.SCHED_RR;
  const owner = cluster.fork(env('owner'));
  const info = await new Promise<OwnerInfo>((resolve, reject) => {
    owner.on('message', (m: { t?: string; info?: OwnerInfo }) => {
      if (m.t === 'owner-ready' && m.info) resolve(m.info);
    });
    owner.once('exit', (code) => reject(new Error(`the owner process exited with code ${code} while starting`)));
  });
  log.info({ pid: owner.process.pid }, 'owner process ready');

  /** ClickHouse reads of web workers in flight: request id → the worker to answer. */
  const asking = new Map<string, Worker>();
  owner.on('message', (m: { t?: string; id?: string }) => {
    if (m.t !== 'ch-reply' || typeof m.id !== 'string') return;
    const w = asking.get(m.id);
    asking.delete(m.id);
    if (w?.isConnected()) w.send(m);
  });

  const startWeb = (): Promise<Worker> =>
    new Promise((resolve, reject) => {
      const w = cluster.fork(env('web'));
      w.on('message', (m: { t?: string; id?: string }) => {
        if (m.t === 'web-ready') resolve(w);
        // Asked for, not pushed at 'online': a message before the worker listens is lost.
        else if (m.t === 'want-owner') w.send({ t: 'owner', info });
        else if (m.t === 'ch' && typeof m.id === 'string') {
          asking.set(m.id, w);
          owner.send(m);
        }
      });
      w.once('exit', (code, signal) => {
        reject(new Error(`a web process exited with code ${code} while starting`));
        if (stopping) return;
        log.error({ pid: w.process.pid, code, signal }, 'web process died; starting another');
        setTimeout(() => {
          startWeb().catch((err: unknown) => log.error({ err }, 'could not restart a web process'));
        }, 1000).unref();
      });
    });
  await Promise.all(Array.from({ length: workers - 1 }, () => startWeb()));

  owner.once('exit', (code, signal) => {
    if (stopping) return;
    log.fatal({ code, signal }, 'the owner process died; stopping all processes so the supervisor restarts them');
    stopping = true;
    for (const w of Object.values(cluster.workers ?? {})) w?.kill('SIGTERM');
    setTimeout(() => process.exit(1), 10_000).unref();
    cluster.on('exit', () => {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(1);
    });
  });

  log.info({ workers, httpPort: config.HTTP_PORT }, `open http://localhost:${config.HTTP_PORT}`);

  // Graceful stop: the web processes first (they hold sockets), then the owner (it drains the
  // ingest and stops the embedded database last).
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      if (stopping) return;
      stopping = true;
      log.info({ sig }, 'shutting down all processes');
      const force = setTimeout(() => process.exit(1), 30_000);
      force.unref();
      const webs = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w && w !== owner);
      void Promise.all(webs.map((w) => stopWorker(w))).then(async () => {
        const code = await stopWorker(owner);
        process.exit(code === 0 ? 0 : 1);
      });
    });
  }
}

function stopWorker(w: Worker): Promise<number | null> {
  return new Promise((resolve) => {
    if (w.isDead()) return resolve(w.process.exitCode);
    w.once('exit', (code) => resolve(code));
    w.process.kill('SIGTERM');
  });
}
