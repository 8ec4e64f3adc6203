import type { Tx } from './pool.ts';

/** A window's time periods (按时间段): one row per period and queue (migration `window_periods`). */
export interface PeriodRow {
  from: string;
  to: string;
  queueId: string;
  weight: number;
}

/** Replaces the window's whole period list. */
export async function replaceWindowPeriods(tx: Tx, windowId: string, rows: readonly PeriodRow[]): Promise<void> {
  await tx.query('DELETE FROM window_periods WHERE window_id = $1', [windowId]);
  if (rows.length) {
    await tx.query(
      `INSERT INTO window_periods (window_id, period_from, period_to, queue_id, weight)
       SELECT $1, f::time, t::time, q, w FROM unnest($2::text[], $3::text[], $4::text[], $5::real[]) AS x(f, t, q, w)`,
      [windowId, rows.map((r) => r.from), rows.map((r) => r.to), rows.map((r) => r.queueId), rows.map((r) => r.weight)],
    );
  }
}
