import { HallError, topics, type DeviceCredentials, type DeviceInfo } from '../../contracts/index.ts';
import { recordAudit } from '../store/audit-repo.ts';
import {
  getDevice,
  lockDevice,
  markRevoked,
  notifyRevoked,
  replaceDeviceSecret,
  type DeviceRow,
} from '../store/devices-repo.ts';
import { withTx, type Db, type Tx } from '../store/pool.ts';
import type { Actor } from './actor.ts';

/**
 * Device security (docs/security.md "devices authenticate too"):
 * rotate a device's secret or revoke it, from REST (server/http/routes/
 * device-routes.ts) or the CLI (cli/device-commands.ts) alike. Each is one
 * transaction with its audit row and the NOTIFY `device_revoked` every
 * server acts on at commit (server/device-revocation.ts).
 */

/** Who acts, for the audit row (`actorOf(req)` for REST; the CLI passes its own). */
export type DeviceActor = Actor;

async function mustLock(tx: Tx, deviceId: string): Promise<DeviceRow> {
  const d = await lockDevice(tx, deviceId);
  if (!d) throw new HallError('HALL_ERR_NOT_FOUND', `no device ${deviceId}`);
  return d;
}

/**
 * A new 32-byte secret, shown once; the old one stops working at commit (no
 * grace period) and every server disconnects the device's live connection
 * (NOTIFY `device_revoked`, reason `rotate`), so it must reconnect with the
 * new secret. Audited as `device.rotate` in the same transaction.
 */
export async function rotateDeviceSecret(
  db: Db,
  deviceId: string,
  at: Date,
  actor: DeviceActor,
): Promise<DeviceCredentials> {
  return withTx(db, async (tx) => {
    const d = await mustLock(tx, deviceId);
    // 409, not 403: a 403 means the caller's role or scope (authorization matrix); this is the device's state.
    if (d.revoked_at)
      throw new HallError('HALL_ERR_CONFLICT', `device ${deviceId} is revoked; provision a new device instead`, {
        reason: 'HALL_ERR_DEVICE_REVOKED',
      });
    const password = await replaceDeviceSecret(tx, deviceId, at);
    await recordAudit(tx, {
      at,
      ...actor,
      action: 'device.rotate',
      target: `device:${deviceId}`,
      result: 'ok',
      detail: { hallId: d.hall_id, kind: d.kind },
    });
    await notifyRevoked(tx, { deviceId, reason: 'rotate' });
    const addr = { hallId: d.hall_id, kind: d.kind, deviceId };
    return {
      deviceId,
      hallId: d.hall_id,
      kind: d.kind,
      username: deviceId,
      password,
      topicPrefix: topics.prefix(addr),
    };
  });
}

/**
 * Revokes a device for good: its secret no longer authenticates (CONNACK 5),
 * its live connection is closed by every server (NOTIFY `device_revoked`),
 * and it is marked offline. Revoking a revoked device changes nothing but is
 * still audited and notified (so a straggling connection is closed again).
 */
export async function revokeDevice(db: Db, deviceId: string, at: Date, actor: DeviceActor): Promise<DeviceInfo> {
  return withTx(db, async (tx) => {
    const d = await mustLock(tx, deviceId);
    const already = d.revoked_at !== null;
    if (!already) await markRevoked(tx, deviceId, at, actor.username ?? 'unknown');
    await recordAudit(tx, {
      at,
      ...actor,
      action: 'device.revoke',
      target: `device:${deviceId}`,
      result: 'ok',
      detail: { hallId: d.hall_id, kind: d.kind, ...(already ? { alreadyRevoked: true } : {}) },
    });
    await notifyRevoked(tx, { deviceId, reason: 'revoke' });
    return (await getDevice(tx, deviceId))!;
  });
}
