import { createHash, randomBytes } from 'node:crypto';
import { HallError, topics, type DeviceKind, type DeviceCredentials, type DeviceInfo } from '../../contracts/index.ts';
import type { Db, Tx } from './pool.ts';

export interface DeviceIdentity {
  deviceId: string;
  hallId: string;
  kind: DeviceKind;
  /** A ticket machine's item set (migration 010, docs/admin.md); null or absent = every item of the hall. */
  itemCodes?: readonly string[] | null;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * Device registry (docs/mqtt.md "Connecting"). A device's MQTT username is its id and its
 * password a 32-byte random secret shown once; only the SHA-256 is stored
 * (high-entropy secrets need no slow hash; see docs/adr/0003).
 */
export async function addDevice(
  db: Db,
  hallId: string,
  kind: DeviceKind,
  deviceId?: string,
): Promise<DeviceCredentials> {
  const hall = await db.query('SELECT 1 FROM halls WHERE id = $1', [hallId]);
  if (hall.rowCount === 0) throw new HallError('HALL_ERR_NOT_FOUND', `no hall ${hallId}`);
  const id = deviceId ?? `${kind.slice(0, 3)}-${randomBytes(5).toString('hex')}`;
  const password = randomBytes(32).toString('base64url');
  const r = await db.query(
    'INSERT INTO devices (id, hall_id, kind, secret_hash) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING',
    [id, hallId, kind, sha256(password)],
  );
  if (r.rowCount === 0) throw new HallError('HALL_ERR_CONFLICT', `device ${id} exists`);
  return {
    deviceId: id,
    hallId,
    kind,
    username: id,
    password,
    topicPrefix: topics.prefix({ hallId, kind, deviceId: id }),
  };
}

export interface DeviceSecretRow {
  id: string;
  hall_id: string;
  kind: DeviceKind;
  secret_hash: string;
  revoked: boolean;
}

/** The stored secret hash of a device, revoked ones included (the check is server/commands/device-authentication.ts). */
export async function deviceSecret(db: Db, deviceId: string): Promise<DeviceSecretRow | null> {
  const r = await db.query<DeviceSecretRow>({
    name: 'device-check',
    text: 'SELECT id, hall_id, kind, secret_hash, revoked_at IS NOT NULL AS revoked FROM devices WHERE id = $1',
    values: [deviceId],
  });
  return r.rows[0] ?? null;
}

export async function findDevice(db: Db, deviceId: string): Promise<DeviceIdentity | null> {
  const r = await db.query<{ id: string; hall_id: string; kind: DeviceKind; item_codes: string[] | null }>({
    name: 'device-find',
    text: 'SELECT id, hall_id, kind, item_codes FROM devices WHERE id = $1 AND revoked_at IS NULL',
    values: [deviceId],
  });
  const row = r.rows[0];
  return row ? { deviceId: row.id, hallId: row.hall_id, kind: row.kind, itemCodes: row.item_codes } : null;
}

// ── Device security (docs/mqtt.md "Credentials lifecycle"): list, rotate, revoke, last seen ──
// The use cases (checks, audit, notice) are server/commands/device-credentials.ts.

/**
 * PostgreSQL NOTIFY channel: a device's credentials ended (revoked, or its
 * secret rotated). Payload `{"deviceId": "...", "reason": "revoke" | "rotate"}`.
 * Sent inside the changing transaction, so it is delivered on commit, to every
 * server listening on the database, whichever process (REST, CLI) made the change.
 */
export const DEVICE_REVOKED_CHANNEL = 'device_revoked';
export type DeviceRevocationReason = 'revoke' | 'rotate';
export interface DeviceRevocationNotice {
  deviceId: string;
  reason: DeviceRevocationReason;
}

export interface DeviceRow {
  id: string;
  hall_id: string;
  kind: DeviceKind;
  online: boolean;
  last_seen_at: Date | null;
  created_at: Date;
  secret_rotated_at: Date | null;
  revoked_at: Date | null;
  revoked_by: string | null;
}
const DEVICE_COLUMNS = 'id, hall_id, kind, online, last_seen_at, created_at, secret_rotated_at, revoked_at, revoked_by';
const iso = (d: Date | null) => d?.toISOString() ?? null;
const toInfo = (r: DeviceRow): DeviceInfo => ({
  deviceId: r.id,
  hallId: r.hall_id,
  kind: r.kind,
  online: r.online && !r.revoked_at,
  lastSeenAt: iso(r.last_seen_at),
  createdAt: r.created_at.toISOString(),
  secretRotatedAt: iso(r.secret_rotated_at),
  revokedAt: iso(r.revoked_at),
  revokedBy: r.revoked_by,
});

/** One device, revoked ones included (operators must see those). */
export async function getDevice(db: Db | Tx, deviceId: string): Promise<DeviceInfo | null> {
  const r = await db.query<DeviceRow>(`SELECT ${DEVICE_COLUMNS} FROM devices WHERE id = $1`, [deviceId]);
  return r.rows[0] ? toInfo(r.rows[0]) : null;
}

/** The devices of the given halls (the caller's scope), revoked ones included. */
export async function listDevices(db: Db, hallIds: readonly string[], kind?: DeviceKind): Promise<DeviceInfo[]> {
  if (hallIds.length === 0) return [];
  const r = await db.query<DeviceRow>(
    `SELECT ${DEVICE_COLUMNS} FROM devices WHERE hall_id = ANY($1::text[]) AND ($2::text IS NULL OR kind = $2) ORDER BY hall_id, kind, id`,
    [hallIds, kind ?? null],
  );
  return r.rows.map(toInfo);
}

/** The device row under a row lock until commit; null when there is none. */
export async function lockDevice(tx: Tx, deviceId: string): Promise<DeviceRow | null> {
  const r = await tx.query<DeviceRow>(`SELECT ${DEVICE_COLUMNS} FROM devices WHERE id = $1 FOR UPDATE`, [deviceId]);
  return r.rows[0] ?? null;
}

/** Sends the notice on DEVICE_REVOKED_CHANNEL; delivered when the transaction commits. */
export async function notifyRevoked(tx: Tx, n: DeviceRevocationNotice): Promise<void> {
  await tx.query('SELECT pg_notify($1, $2)', [DEVICE_REVOKED_CHANNEL, JSON.stringify(n)]);
}

/** A new 32-byte secret for the device, returned once; only its SHA-256 is stored, and the old one stops working. */
export async function replaceDeviceSecret(tx: Tx, deviceId: string, at: Date): Promise<string> {
  const password = randomBytes(32).toString('base64url');
  await tx.query('UPDATE devices SET secret_hash = $2, secret_rotated_at = $3 WHERE id = $1', [
    deviceId,
    sha256(password),
    at,
  ]);
  return password;
}

/** Marks the device revoked (by whom) and offline. */
export async function markRevoked(tx: Tx, deviceId: string, at: Date, by: string): Promise<void> {
  await tx.query('UPDATE devices SET revoked_at = $2, revoked_by = $3, online = false WHERE id = $1', [
    deviceId,
    at,
    by,
  ]);
}

/**
 * Devices whose credentials ended at or after `since` (database time): what a
 * listener that lost its connection may have missed.
 */
export async function devicesRevokedSince(db: Db | Tx, since: Date): Promise<DeviceRevocationNotice[]> {
  const r = await db.query<{ id: string; revoked: boolean }>(
    'SELECT id, revoked_at IS NOT NULL AS revoked FROM devices WHERE revoked_at >= $1 OR secret_rotated_at >= $1',
    [since],
  );
  return r.rows.map((x) => ({ deviceId: x.id, reason: x.revoked ? 'revoke' : 'rotate' }));
}

/** The broker saw the device (connect or publish); it throttles the calls to one a minute per device. */
export async function markDeviceSeen(db: Db, deviceId: string, at: Date): Promise<void> {
  await db.query({
    name: 'device-seen',
    text: 'UPDATE devices SET last_seen_at = GREATEST(last_seen_at, $2) WHERE id = $1 AND revoked_at IS NULL',
    values: [deviceId, at],
  });
}
