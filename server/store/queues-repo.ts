import type { QueueBody } from '../../contracts/config-admin.ts';
import type { Tx } from './pool.ts';

/** Queues (队列) of a hall, as the configuration admin writes them. */

/** The queue of the hall that uses `prefix`, other than `self`; null when free. */
export async function queueWithPrefix(
  tx: Tx,
  hallId: string,
  prefix: string,
  self: string | null,
): Promise<string | null> {
  const r = await tx.query<{ id: string }>(
    'SELECT id FROM queues WHERE hall_id = $1 AND prefix = $2 AND id IS DISTINCT FROM $3',
    [hallId, prefix, self],
  );
  return r.rows[0]?.id ?? null;
}

export async function insertQueue(tx: Tx, hallId: string, id: string, b: QueueBody): Promise<void> {
  await tx.query(
    'INSERT INTO queues (id, hall_id, name, prefix, department_id, daily_cap, open_from, open_to) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
    [id, hallId, b.name, b.prefix, b.departmentId ?? null, b.dailyCap, b.openFrom, b.openTo],
  );
}

export async function updateQueue(tx: Tx, hallId: string, id: string, b: QueueBody): Promise<void> {
  await tx.query(
    'UPDATE queues SET name = $3, prefix = $4, department_id = $5, daily_cap = $6, open_from = $7, open_to = $8 WHERE id = $1 AND hall_id = $2',
    [id, hallId, b.name, b.prefix, b.departmentId ?? null, b.dailyCap, b.openFrom, b.openTo],
  );
}

/** Tickets of the queue taken on `day` and not finished. */
export async function unfinishedTickets(tx: Tx, queueId: string, day: string): Promise<number> {
  const w = await tx.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM tickets WHERE queue_id = $1 AND day = $2 AND status IN ('waiting', 'called', 'serving', 'skipped')",
    [queueId, day],
  );
  return w.rows[0]!.n;
}

export async function itemsOfQueue(tx: Tx, queueId: string): Promise<string[]> {
  const it = await tx.query<{ code: string }>('SELECT code FROM items WHERE queue_id = $1 ORDER BY code', [queueId]);
  return it.rows.map((r) => r.code);
}

export async function queueEverIssued(tx: Tx, queueId: string): Promise<boolean> {
  const past = await tx.query('SELECT 1 FROM tickets WHERE queue_id = $1 LIMIT 1', [queueId]);
  return (past.rowCount ?? 0) > 0;
}

/** The queue leaves every window's all-day set and periods with it. */
export async function deleteQueue(tx: Tx, queueId: string): Promise<void> {
  await tx.query('DELETE FROM window_queues WHERE queue_id = $1', [queueId]);
  await tx.query('DELETE FROM window_periods WHERE queue_id = $1', [queueId]);
  await tx.query('DELETE FROM queue_counters WHERE queue_id = $1', [queueId]);
  await tx.query('DELETE FROM queues WHERE id = $1', [queueId]);
}
