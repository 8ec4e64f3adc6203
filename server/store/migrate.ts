import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Db } from './pool.ts';

const DIR = fileURLToPath(new URL('./migrations/', import.meta.url));
// Any constant; all processes starting at once take the same advisory lock.
const LOCK = 7_311_402;

/**
 * Applies `migrations/*.sql` in name order, each once, in its own transaction.
 * Several processes may start together (two servers, a CLI): the advisory lock
 * makes them apply in turn, and each file is recorded so re-runs do nothing.
 * Then tries TimescaleDB (see enableTimescale).
 */
export async function migrate(db: Db): Promise<{ applied: string[]; timescale: boolean }> {
  const c = await db.connect();
  const applied: string[] = [];
  try {
    await c.query('SELECT pg_advisory_lock($1)', [LOCK]);
    await c.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const done = new Set(
      (await c.query<{ name: string }>('SELECT name FROM schema_migrations')).rows.map((r) => r.name),
    );
    const files = (await readdir(DIR)).filter((f) => f.endsWith('.sql')).sort();
    for (const f of files) {
      if (done.has(f)) continue;
      const sql = await readFile(DIR + f, 'utf8');
      await c.query('BEGIN');
      try {
        await c.query(sql);
        await c.query('INSERT INTO schema_migrations(name) VALUES ($1)', [f]);
        await c.query('COMMIT');
        applied.push(f);
      } catch (e) {
        await c.query('ROLLBACK');
        throw new Error(`migration ${f} failed: ${(e as Error).message}`, { cause: e });
      }
    }
    const timescale = await enableTimescale(c);
    return { applied, timescale };
  } finally {
    await c.query('SELECT pg_advisory_unlock($1)', [LOCK]).catch(() => undefined);
    c.release();
  }
}

/**
 * DESIGN.md principle 6: time-series tables become hypertables when the
 * `timescaledb` extension is available; otherwise they stay plain tables with
 * BRIN indexes and the same SQL works.
 */
async function enableTimescale(c: import('pg').PoolClient): Promise<boolean> {
  const avail = await c.query("SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'");
  if (avail.rowCount === 0) return false;
  await c.query('CREATE EXTENSION IF NOT EXISTS timescaledb');
  await c.query("SELECT create_hypertable('device_state_log', 'at', if_not_exists => TRUE, migrate_data => TRUE)");
  return true;
}
