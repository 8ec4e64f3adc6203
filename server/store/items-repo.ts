import type { ItemBody } from '../../contracts/config-admin.ts';
import type { Tx } from './pool.ts';

/** Service items (事项) of a hall, as the configuration admin writes them (standards: item-standards-repo.ts). */

export async function insertItem(tx: Tx, hallId: string, code: string, b: ItemBody): Promise<void> {
  await tx.query(
    'INSERT INTO items (hall_id, code, name, department_id, queue_id, promised_days, standard_min, enterprise) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
    [
      hallId,
      code,
      b.name,
      b.departmentId,
      b.queueId,
      b.promisedDays ?? null,
      b.standardMin ?? null,
      b.enterprise ?? false,
    ],
  );
}

/** False when the hall has no such item. */
export async function updateItem(tx: Tx, hallId: string, code: string, b: ItemBody): Promise<boolean> {
  // The model fields stay as stored when a client that does not know them leaves them out.
  const r = await tx.query(
    `UPDATE items SET name = $3, department_id = $4, queue_id = $5, promised_days = $6,
      standard_min = CASE WHEN $7 THEN $8::numeric ELSE standard_min END, enterprise = COALESCE($9, enterprise)
    WHERE hall_id = $1 AND code = $2`,
    [
      hallId,
      code,
      b.name,
      b.departmentId,
      b.queueId,
      b.promisedDays ?? null,
      b.standardMin !== undefined,
      b.standardMin ?? null,
      b.enterprise ?? null,
    ],
  );
  return (r.rowCount ?? 0) > 0;
}

/** False when the hall has no such item. Machines' item sets forget it too (an empty set would offer nothing, which is what it then says). */
export async function deleteItem(tx: Tx, hallId: string, code: string): Promise<boolean> {
  const r = await tx.query('DELETE FROM items WHERE hall_id = $1 AND code = $2', [hallId, code]);
  if ((r.rowCount ?? 0) === 0) return false;
  await tx.query(
    'UPDATE devices SET item_codes = array_remove(item_codes, $2) WHERE hall_id = $1 AND $2 = ANY(item_codes)',
    [hallId, code],
  );
  return true;
}

/** The codes among `codes` the hall has. */
export async function knownItemCodes(tx: Tx, hallId: string, codes: readonly string[]): Promise<Set<string>> {
  const known = await tx.query<{ code: string }>(
    'SELECT code FROM items WHERE hall_id = $1 AND code = ANY($2::text[])',
    [hallId, codes],
  );
  return new Set(known.rows.map((r) => r.code));
}
