import type { HallPatchBody } from '../../contracts/config-admin.ts';
import type { Tx } from './pool.ts';

/** A hall's own settings as the configuration admin edits them (name, address, queue policy overrides). */
export async function updateHallSettings(tx: Tx, hallId: string, b: HallPatchBody): Promise<void> {
  if (b.name !== undefined) await tx.query('UPDATE halls SET name = $2 WHERE id = $1', [hallId, b.name]);
  if (b.address !== undefined) await tx.query('UPDATE halls SET address = $2 WHERE id = $1', [hallId, b.address]);
  // Policy fields merge into the hall's overrides; what is not given keeps its value.
  if (b.policy)
    await tx.query("UPDATE halls SET queue_policy = COALESCE(queue_policy, '{}'::jsonb) || $2::jsonb WHERE id = $1", [
      hallId,
      JSON.stringify(b.policy),
    ]);
}
