import { randomBytes } from 'node:crypto';
import { belongsToHall, type HallRef } from '../../store/hall-config-version-repo.ts';
import { liveDeviceKind } from '../../store/device-config-repo.ts';
import type { Tx } from '../../store/pool.ts';
import { refuse } from './refuse.ts';

/** References must be of the same hall: a department, queue or window of another hall is 404 like one of none. */
const REF_NAME: Record<HallRef, string> = { departments: 'department', queues: 'queue', windows: 'window' };

export async function mustBelong(tx: Tx, table: HallRef, id: string, hallId: string): Promise<void> {
  if (!(await belongsToHall(tx, table, id, hallId)))
    refuse('HALL_ERR_NOT_FOUND', `no ${REF_NAME[table]} ${id} in hall ${hallId}`);
}

export async function mustBeDevice(tx: Tx, deviceId: string, hallId: string, kind: string): Promise<void> {
  const k = await liveDeviceKind(tx, deviceId, hallId);
  if (!k) refuse('HALL_ERR_NOT_FOUND', `no device ${deviceId} in hall ${hallId}`);
  if (k !== kind) refuse('HALL_ERR_BAD_REQUEST', `device ${deviceId} is a ${k}, not a ${kind}`);
}

/** A new configuration id when the admin gives none, e.g. `h-east-qa1b2c3`. */
export const newId = (hallId: string, kind: string) =>
  `${hallId}-${kind}${randomBytes(3).toString('hex')}`.slice(0, 64);
