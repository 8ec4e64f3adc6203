import type { Tx } from './pool.ts';

/**
 * The locks and version counters a queue configuration change takes
 * (server/commands/hall-config/change-hall-config.ts; docs/admin.md). Lock
 * order of the queue service (docs/architecture.md "Ordering"): the hall's
 * queue state row, then the hall row.
 */

/**
 * Locks the queue state row and moves its version: a process's one-statement
 * write (migration 012) checks only that version, so a configuration change
 * must make every cached state stale.
 */
export async function bumpQueueStateVersion(tx: Tx, hallId: string): Promise<void> {
  await tx.query('UPDATE hall_queue_state SET version = version + 1 WHERE hall_id = $1', [hallId]);
}

/** Locks the hall row; false when there is no such hall. */
export async function lockHallRow(tx: Tx, hallId: string): Promise<boolean> {
  const h = await tx.query<{ config_version: number }>('SELECT config_version FROM halls WHERE id = $1 FOR UPDATE', [
    hallId,
  ]);
  return h.rows[0] !== undefined;
}

/** The hall's next configuration version (every process's queue service reloads on it). */
export async function bumpConfigVersion(tx: Tx, hallId: string): Promise<number> {
  const v = await tx.query<{ config_version: number }>(
    'UPDATE halls SET config_version = config_version + 1 WHERE id = $1 RETURNING config_version',
    [hallId],
  );
  return v.rows[0]!.config_version;
}

export type HallRef = 'departments' | 'queues' | 'windows';

/** Whether a department, queue or window of that id is in the hall. */
export async function belongsToHall(tx: Tx, table: HallRef, id: string, hallId: string): Promise<boolean> {
  const r = await tx.query(`SELECT 1 FROM ${table} WHERE id = $1 AND hall_id = $2`, [id, hallId]);
  return (r.rowCount ?? 0) > 0;
}
