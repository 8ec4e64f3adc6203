import type { Tx } from './pool.ts';

/** Departments (部门) of a hall, as the configuration admin writes them. */

export async function insertDepartment(tx: Tx, hallId: string, id: string, name: string): Promise<void> {
  await tx.query('INSERT INTO departments (id, hall_id, name) VALUES ($1, $2, $3)', [id, hallId, name]);
}

/** False when the hall has no such department. */
export async function renameDepartment(tx: Tx, hallId: string, id: string, name: string): Promise<boolean> {
  const r = await tx.query('UPDATE departments SET name = $3 WHERE id = $1 AND hall_id = $2', [id, hallId, name]);
  return (r.rowCount ?? 0) > 0;
}

/** What still refers to the department. */
export async function departmentUse(
  tx: Tx,
  id: string,
): Promise<{ items: number; queues: number; windows: number; users: number }> {
  const u = await tx.query<{ items: number; queues: number; windows: number; users: number }>(
    `SELECT (SELECT count(*) FROM items WHERE department_id = $1)::int AS items, (SELECT count(*) FROM queues WHERE department_id = $1)::int AS queues,
            (SELECT count(*) FROM windows WHERE department_id = $1)::int AS windows, (SELECT count(*) FROM users WHERE department_id = $1)::int AS users`,
    [id],
  );
  return u.rows[0]!;
}

export async function deleteDepartment(tx: Tx, hallId: string, id: string): Promise<void> {
  await tx.query('DELETE FROM departments WHERE id = $1 AND hall_id = $2', [id, hallId]);
}
