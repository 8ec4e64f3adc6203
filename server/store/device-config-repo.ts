import type { Tx } from './pool.ts';

/** What the configuration admin sets on devices: a ticket machine's item set, a caller's window (migration 010). */

/** The kind of a live (not revoked) device of the hall; null when there is none. */
export async function liveDeviceKind(tx: Tx, deviceId: string, hallId: string): Promise<string | null> {
  const r = await tx.query<{ kind: string }>(
    'SELECT kind FROM devices WHERE id = $1 AND hall_id = $2 AND revoked_at IS NULL',
    [deviceId, hallId],
  );
  return r.rows[0]?.kind ?? null;
}

export async function setDeviceItemCodes(tx: Tx, deviceId: string, itemCodes: readonly string[] | null): Promise<void> {
  await tx.query('UPDATE devices SET item_codes = $2 WHERE id = $1', [deviceId, itemCodes]);
}

export async function setDeviceWindowId(tx: Tx, deviceId: string, windowId: string | null): Promise<void> {
  await tx.query('UPDATE devices SET window_id = $2 WHERE id = $1', [deviceId, windowId]);
}
