import { createHash, timingSafeEqual } from 'node:crypto';
import { deviceSecret, type DeviceIdentity } from '../store/devices-repo.ts';
import type { Db } from '../store/pool.ts';

/**
 * A device's MQTT credentials (docs/security.md "devices
 * authenticate too"): its id as user name and a 32-byte random secret, of
 * which only the SHA-256 is stored (high-entropy secrets need no slow hash;
 * ADR 0003), compared in constant time. Asked by the embedded broker
 * (server/app.ts) and an external broker's auth webhook (broker-hook-routes.ts).
 */

/**
 * `ok`: right secret of a live device. `revoked`: right secret of a revoked
 * device (the broker answers CONNACK 5 "not authorized"; only a caller that
 * knows the secret learns that the device is revoked). `bad`: anything else.
 */
export type DeviceCheck = { status: 'ok' | 'revoked'; device: DeviceIdentity } | { status: 'bad' };

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export async function checkDevice(db: Db, username: string, password: string): Promise<DeviceCheck> {
  const row = await deviceSecret(db, username);
  if (!row) return { status: 'bad' };
  const a = Buffer.from(row.secret_hash, 'hex'),
    b = Buffer.from(sha256(password), 'hex');
  if (a.length !== b.length || !timingSafeEqual(a, b)) return { status: 'bad' };
  return { status: row.revoked ? 'revoked' : 'ok', device: { deviceId: row.id, hallId: row.hall_id, kind: row.kind } };
}

/** Checks a device's MQTT credentials; revoked devices fail. */
export async function verifyDevice(db: Db, username: string, password: string): Promise<DeviceIdentity | null> {
  const c = await checkDevice(db, username, password);
  return c.status === 'ok' ? c.device : null;
}
