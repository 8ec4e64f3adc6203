import type { ClickHouseClient } from '@clickhouse/client';
import type { Logger } from '../logger.ts';
import type { Db, Tx } from '../store/pool.ts';
import {
  acknowledgePlan,
  pendingPlan,
  planBatch,
  pruneRelayedOutbox,
  readDimensions,
  readPlanRows,
  relayLag,
  type RelayPlan,
} from '../store/relay-repo.ts';
import { insertEvents, writeDimensions, type EventRow } from '../../analytics/events-writer.ts';

/**
 * The outbox relay (docs/analytics.md "Loading"; DESIGN.md: "outbox relay (at least
 * once)"; ADR 0008): moves committed events from PostgreSQL's outbox to
 * ClickHouse in batches.
 *
 * One step: take the plan left over from a crash or a failed insert, or plan
 * a new batch (seq ranges per hall, stored in PostgreSQL first), read its
 * rows, insert them into ClickHouse with the plan's token as insert
 * deduplication token, then move the halls' cursors and drop the plan in one
 * transaction. A crash anywhere re-sends the same plan; ClickHouse drops what
 * it already has. ClickHouse down: the step fails, the plan waits, the relay
 * backs off and retries, and catches up when it is back — the live hall
 * (PostgreSQL, sockets, devices) never waits on it.
 *
 * Several server processes: one relays at a time, the holder of a PostgreSQL
 * advisory lock on a connection of its own; if it dies the lock goes with
 * its session and another process takes over.
 */
export interface RelayOptions {
  db: Db;
  client: ClickHouseClient;
  logger: Logger;
  /** Events per batch at most. */
  batchMax: number;
  /** Pause between steps when there is nothing to send. */
  intervalMs: number;
  /** Relayed outbox rows older than this many days are deleted hourly (OUTBOX_RETENTION_DAYS); 0 or absent keeps them. */
  retentionDays?: number;
  /** Called after each acknowledged batch with its size (metrics). */
  onBatch?: (events: number) => void;
  onError?: () => void;
  /** Fault injection for tests of the crash window (between insert and acknowledgement); never set in production. */
  afterInsert?: (plan: RelayPlan) => void | Promise<void>;
  /** Wraps the ClickHouse insert (tests make it fail for a while, as a ClickHouse outage would). */
  insert?: (client: ClickHouseClient, rows: readonly EventRow[], token: string) => Promise<void>;
}

export interface RelayStats {
  batches: number;
  events: number;
  errors: number;
  lastError: string | null;
  lastBatchAt: string | null;
  active: boolean;
  pruned: number;
}

export interface OutboxRelay {
  /** One step; returns how many events it sent (0: nothing new, or not the relaying process). */
  step(): Promise<number>;
  /** Steps until nothing is left (tests, catch-up after an outage). */
  drain(): Promise<number>;
  /** Deletes relayed outbox rows past the retention now (the relaying process does it hourly by itself); returns how many. */
  prune(): Promise<number>;
  stats(): RelayStats;
  lag(): Promise<{ events: number; halls: number }>;
  start(): void;
  stop(): Promise<void>;
}

const LOCK_KEY = 0x6f757462; // 'outb': the advisory lock key of the relay
const DIMENSIONS_EVERY_MS = 60_000;
const PRUNE_EVERY_MS = 3_600_000;
const PRUNE_CHUNK = 10_000;

export function createOutboxRelay(o: RelayOptions): OutboxRelay {
  const insert = o.insert ?? insertEvents;
  const stats: RelayStats = {
    batches: 0,
    events: 0,
    errors: 0,
    lastError: null,
    lastBatchAt: null,
    active: false,
    pruned: 0,
  };
  let prunedAt = Date.now(); // the first prune an hour after start: a restart loop does not hammer the table
  let lockClient: Tx | null = null;
  let dimsAt = 0;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> | null = null;
  let stopped = false;
  let failures = 0;

  async function holdLock(): Promise<boolean> {
    if (lockClient) return true;
    const c = await o.db.connect();
    try {
      const r = await c.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [LOCK_KEY]);
      if (r.rows[0]?.ok) {
        lockClient = c;
        // A lost connection loses the lock: drop it so the next step tries again.
        c.on('error', () => {
          if (lockClient === c) lockClient = null;
        });
        return true;
      }
    } catch {
      /* fall through: released below */
    }
    c.release();
    return false;
  }

  // Steps never overlap (the timer's and a caller's drain()): one plan at a time.
  let chain: Promise<unknown> = Promise.resolve();
  function step(): Promise<number> {
    const p = chain.then(stepNow);
    chain = p.catch(() => undefined);
    return p;
  }

  async function stepNow(): Promise<number> {
    if (!(await holdLock())) {
      stats.active = false;
      return 0;
    }
    stats.active = true;
    if (Date.now() - dimsAt > DIMENSIONS_EVERY_MS) {
      const version = Date.now();
      await writeDimensions(o.client, await readDimensions(o.db), version);
      dimsAt = version;
    }
    if (o.retentionDays && Date.now() - prunedAt > PRUNE_EVERY_MS) {
      prunedAt = Date.now();
      await pruneNow();
    }
    const plan = (await pendingPlan(o.db)) ?? (await planBatch(o.db, o.batchMax));
    if (!plan) return 0;
    const rows = await readPlanRows(o.db, plan);
    await insert(o.client, rows, plan.token);
    await o.afterInsert?.(plan);
    await acknowledgePlan(o.db, plan);
    stats.batches++;
    stats.events += rows.length;
    stats.lastBatchAt = new Date().toISOString();
    o.onBatch?.(rows.length);
    return rows.length;
  }

  /** In chunks, so no single statement holds many row locks the live hall's inserts could meet. */
  async function pruneNow(): Promise<number> {
    if (!o.retentionDays) return 0;
    let total = 0;
    for (;;) {
      const n = await pruneRelayedOutbox(o.db, o.retentionDays, PRUNE_CHUNK);
      total += n;
      if (n < PRUNE_CHUNK) break;
    }
    stats.pruned += total;
    if (total > 0)
      o.logger.info(
        { pruned: total, retentionDays: o.retentionDays },
        'outbox rows past retention deleted (ClickHouse has them)',
      );
    return total;
  }

  async function drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await step();
      total += n;
      if (n === 0) return total;
    }
  }

  function schedule(ms: number): void {
    if (stopped) return;
    timer = setTimeout(() => {
      running = step().then(
        (n) => {
          failures = 0;
          // A full batch means more is waiting: go on at once.
          schedule(n >= o.batchMax ? 0 : o.intervalMs);
        },
        (err: unknown) => {
          failures++;
          stats.errors++;
          stats.lastError = err instanceof Error ? err.message : String(err);
          o.onError?.();
          o.logger.warn({ err: stats.lastError, failures }, 'outbox relay step failed; the plan is kept and retried');
          // Back off up to 30 s while ClickHouse (or PostgreSQL) is unavailable.
          schedule(Math.min(30_000, o.intervalMs * 2 ** Math.min(failures, 5)));
        },
      );
    }, ms);
  }

  return {
    step,
    drain,
    lag: () => relayLag(o.db),
    prune: () => {
      const p = chain.then(pruneNow);
      chain = p.catch(() => undefined);
      return p;
    },
    stats: () => ({ ...stats }),
    start() {
      stopped = false;
      schedule(0);
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running?.catch(() => undefined);
      if (lockClient) {
        const c = lockClient;
        lockClient = null;
        await c.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => undefined);
        c.release();
      }
    },
  };
}
