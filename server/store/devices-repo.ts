import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { HallError, topics, type DeviceKind, type DeviceCredentials } from '../../contracts/index.ts';
import type { Db } from './pool.ts';

export interface DeviceIdentity { deviceId: string; hallId: string; kind: DeviceKind }

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * Device registry (issue 2 §5). A device's MQTT username is its id and its
 * password a 32-byte random secret shown once; only the SHA-256 is stored
 * (high-entropy secrets need no slow hash; see docs/adr/0003).
 */
export async function addDevice(db: Db, hallId: string, kind: DeviceKind, deviceId?: string): Promise<DeviceCredentials> {
  const hall = await db.query('SELECT 1 FROM halls WHERE id = $1', [hallId]);
  if (hall.rowCount === 0) throw new HallError('HALL_ERR_NOT_FOUND', `no hall ${hallId}`);
  const id = deviceId ?? `${kind.slice(0, 3)}-${randomBytes(5).toString('hex')}`;
  const password = randomBytes(32).toString('base64url');
  const r = await db.query('INSERT INTO devices (id, hall_id, kind, secret_hash) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING', [id, hallId, kind, sha256(password)]);
  if (r.rowCount === 0) throw new HallError('HALL_ERR_CONFLICT', `device ${id} exists`);
  return { deviceId: id, hallId, kind, username: id, password, topicPrefix: topics.prefix({ hallId, kind, deviceId: id }) };
}

/** Checks a device's MQTT credentials; revoked devices fail. */
export async function verifyDevice(db: Db, username: string, password: string): Promise<DeviceIdentity | null> {
  const r = await db.query<{ id: string; hall_id: string; kind: DeviceKind; secret_hash: string }>(
    'SELECT id, hall_id, kind, secret_hash FROM devices WHERE id = $1 AND revoked_at IS NULL', [username]);
  const row = r.rows[0];
  if (!row) return null;
  const a = Buffer.from(row.secret_hash, 'hex'), b = Buffer.from(sha256(password), 'hex');
  return a.length === b.length && timingSafeEqual(a, b) ? { deviceId: row.id, hallId: row.hall_id, kind: row.kind } : null;
}

export async function findDevice(db: Db, deviceId: string): Promise<DeviceIdentity | null> {
  const r = await db.query<{ id: string; hall_id: string; kind: DeviceKind }>({ name: 'device-find', text: 'SELECT id, hall_id, kind FROM devices WHERE id = $1 AND revoked_at IS NULL', values: [deviceId] });
  const row = r.rows[0];
  return row ? { deviceId: row.id, hallId: row.hall_id, kind: row.kind } : null;
}
