import { parentPort, workerData } from 'node:worker_threads';
import { runLoad, type LoadPlan } from './ingest-load.ts';

/**
 * Worker-thread side of `bench:ingest`: runs the load generator on its own
 * event loop and talks to the main thread (the server) by messages.
 *   worker → main: {t:'log'}, {t:'phase', id, name, at}, {t:'done', result}, {t:'error', message}
 *   main → worker: {t:'ack', id}
 */
export type FromWorker =
  | { t: 'log'; msg: string }
  | { t: 'phase'; id: number; name: string; at: 'start' | 'end' }
  | { t: 'done'; result: Awaited<ReturnType<typeof runLoad>> }
  | { t: 'error'; message: string };
export type ToWorker = { t: 'ack'; id: number };

const port = parentPort;
if (port) {
  const plan = (workerData as { plan: LoadPlan }).plan;
  const waiting = new Map<number, () => void>();
  let next = 0;
  port.on('message', (m: ToWorker) => {
    if (m.t === 'ack') {
      waiting.get(m.id)?.();
      waiting.delete(m.id);
    }
  });
  const post = (m: FromWorker) => port.postMessage(m);
  runLoad(plan, {
    log: (msg) => post({ t: 'log', msg }),
    phase: (name, at) =>
      new Promise<void>((resolve) => {
        const id = ++next;
        waiting.set(id, resolve);
        post({ t: 'phase', id, name, at });
      }),
  }).then(
    (result) => {
      post({ t: 'done', result });
      port.close();
    },
    (e: unknown) => {
      post({ t: 'error', message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
      port.close();
    },
  );
}
