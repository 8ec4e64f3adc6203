import { readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { round } from './stats.ts';

/**
 * What the server's PostgreSQL sessions are doing, sampled every 50 ms from
 * pg_stat_activity on a connection of our own (not one of the server's pool):
 *   running        active, no wait event: executing (on CPU or runnable)
 *   lock           active, waiting on a heavyweight lock (e.g. the hall row every ticket takes)
 *   wal/io         active, waiting on WAL or I/O (commit flush: WALWrite, WalSync, …)
 *   other wait     active, any other wait (LWLock, client, …)
 *   idle in tx     inside a transaction, waiting for Node to send the next statement
 * Averages are session counts per sample. Reads the embedded server's
 * DATA_DIR/postgres.json for its address; with an external database it
 * stays off.
 */
export interface PgWaits {
  samples: number;
  running: number;
  lock: number;
  walIo: number;
  otherWait: number;
  idleInTx: number;
  /** Most frequent state:wait_type/wait_event, mean per sample. */
  top: Record<string, number>;
  /** Statements most often seen running (active, no wait), mean per sample. */
  runningStatements: Record<string, number>;
}

export async function pgWaitSampler(dataDir: string) {
  let client: pg.Client | null = null;
  try {
    const rt = JSON.parse(await readFile(path.join(dataDir, 'postgres.json'), 'utf8')) as {
      port: number;
      user: string;
      password: string;
    };
    client = new pg.Client({
      connectionString: `postgres://${rt.user}:${encodeURIComponent(rt.password)}@127.0.0.1:${rt.port}/hall`,
    });
    await client.connect();
  } catch {
    client = null;
  }
  let timer: NodeJS.Timeout | null = null;
  let acc = fresh();
  let busy = false;
  return {
    available: client !== null,
    start() {
      acc = fresh();
      if (!client || timer) return;
      const c = client;
      timer = setInterval(() => {
        if (busy) return;
        busy = true;
        c.query<{ state: string | null; wait_event_type: string | null; wait_event: string | null; query: string }>(
          `SELECT state, wait_event_type, wait_event, left(query, 200) AS query FROM pg_stat_activity
           WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid()`,
        )
          .then(
            (r) => {
              acc.samples++;
              for (const row of r.rows) {
                const key = `${row.state}:${row.wait_event_type ?? '-'}/${row.wait_event ?? '-'}`;
                if (row.state === 'active') {
                  if (!row.wait_event_type) {
                    acc.running++;
                    const q = row.query.replace(/\s+/g, ' ').trim().slice(0, 60);
                    acc.statements[q] = (acc.statements[q] ?? 0) + 1;
                  } else if (row.wait_event_type === 'Lock') acc.lock++;
                  else if (row.wait_event_type === 'IO' || /^WAL/i.test(row.wait_event ?? '')) acc.walIo++;
                  else acc.otherWait++;
                } else if (row.state === 'idle in transaction') acc.idleInTx++;
                else continue;
                acc.top[key] = (acc.top[key] ?? 0) + 1;
              }
            },
            () => undefined,
          )
          .finally(() => {
            busy = false;
          });
      }, 50);
    },
    stop(): PgWaits | null {
      if (timer) clearInterval(timer);
      timer = null;
      if (!client || acc.samples === 0) return null;
      const n = acc.samples;
      const top = Object.fromEntries(
        Object.entries(acc.top)
          .sort((a, b) => b[1] - a[1])
          .slice(0, 6)
          .map(([k, v]) => [k, round(v / n, 2)]),
      );
      const runningStatements = Object.fromEntries(
        Object.entries(acc.statements)
          .sort((a, b) => b[1] - a[1])
          .slice(0, 5)
          .map(([k, v]) => [k, round(v / n, 3)]),
      );
      return {
        runningStatements,
        samples: n,
        running: round(acc.running / n, 2),
        lock: round(acc.lock / n, 2),
        walIo: round(acc.walIo / n, 2),
        otherWait: round(acc.otherWait / n, 2),
        idleInTx: round(acc.idleInTx / n, 2),
        top,
      };
    },
    async close() {
      if (timer) clearInterval(timer);
      await client?.end().catch(() => undefined);
    },
  };
}

function fresh() {
  return {
    samples: 0,
    running: 0,
    lock: 0,
    walIo: 0,
    otherWait: 0,
    idleInTx: 0,
    top: {} as Record<string, number>,
    statements: {} as Record<string, number>,
  };
}
