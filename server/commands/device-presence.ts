import type { CameraCount, DomainEvent, TicketerStatus } from '../../contracts/index.ts';
import { withTx } from '../store/pool.ts';
import { takeHallSeq, writeOutbox } from '../store/outbox-repo.ts';
import { claimMessage } from '../store/inbox-repo.ts';
import type { DeviceIdentity } from '../store/devices-repo.ts';
import type { CommandDeps } from './issue-ticket.ts';

/**
 * Retained `state` / last will → device online/offline (docs/mqtt.md "Connecting"). Only a
 * change of presence becomes an event: the retained `online` a restarted
 * server receives again for every device is not news.
 */
export async function recordPresence(
  deps: Pick<CommandDeps, 'db' | 'clock'>,
  d: DeviceIdentity,
  online: boolean,
): Promise<DomainEvent | null> {
  const at = deps.clock.now();
  return withTx(deps.db, async (tx) => {
    const cur = await tx.query<{ online: boolean }>('SELECT online FROM devices WHERE id = $1 FOR UPDATE', [
      d.deviceId,
    ]);
    if (cur.rows[0]?.online === online) {
      await tx.query('UPDATE devices SET last_seen_at = $2 WHERE id = $1', [d.deviceId, at]);
      return null;
    }
    const seq = await takeHallSeq(tx, d.hallId);
    await tx.query('UPDATE devices SET online = $2, last_seen_at = $3 WHERE id = $1', [d.deviceId, online, at]);
    await tx.query('INSERT INTO device_state_log (at, device_id, hall_id, state) VALUES ($1, $2, $3, $4)', [
      at,
      d.deviceId,
      d.hallId,
      online ? 'online' : 'offline',
    ]);
    return writeOutbox(tx, d.hallId, seq, at, {
      type: online ? 'device.online' : 'device.offline',
      data: { deviceId: d.deviceId, kind: d.kind },
    });
  });
}

/** `device.status` (paper out 缺纸 etc., DOMAIN.md device management) → stored, logged, broadcast. */
export async function recordStatus(
  deps: Pick<CommandDeps, 'db' | 'clock'>,
  d: DeviceIdentity,
  msgId: string,
  status: TicketerStatus,
): Promise<DomainEvent | null> {
  const at = deps.clock.now();
  return withTx(deps.db, async (tx) => {
    if (!(await claimMessage(tx, d.deviceId, msgId)).fresh) return null;
    // Lock order device row, then hall row — as recordPresence: the other order deadlocked with a
    // presence change of the same device (seen with the demo simulator at start-up).
    await tx.query('UPDATE devices SET status = $2, last_seen_at = $3 WHERE id = $1', [d.deviceId, status, at]);
    const seq = await takeHallSeq(tx, d.hallId);
    await tx.query('INSERT INTO device_state_log (at, device_id, hall_id, state, status) VALUES ($1, $2, $3, $4, $5)', [
      at,
      d.deviceId,
      d.hallId,
      'status',
      status,
    ]);
    return writeOutbox(tx, d.hallId, seq, at, {
      type: 'device.status',
      data: { deviceId: d.deviceId, kind: d.kind, status },
    });
  });
}

/**
 * `camera.count` (people per zone, 视频通道 analytics; DOMAIN.md "Devices") →
 * logged and a `zone.counted` hall event: the outbox relay carries it to
 * ClickHouse (`zone_counts`, the zone indicators), and a QoS 1 redelivery is
 * dropped by the inbox claim.
 */
export async function recordZoneCount(
  deps: Pick<CommandDeps, 'db' | 'clock'>,
  d: DeviceIdentity,
  msgId: string,
  count: CameraCount,
): Promise<DomainEvent | null> {
  const at = deps.clock.now();
  return withTx(deps.db, async (tx) => {
    if (!(await claimMessage(tx, d.deviceId, msgId)).fresh) return null;
    // Lock order device row, then hall row, as the other device events.
    await tx.query('UPDATE devices SET last_seen_at = $2 WHERE id = $1', [d.deviceId, at]);
    const seq = await takeHallSeq(tx, d.hallId);
    await tx.query('INSERT INTO device_state_log (at, device_id, hall_id, state, status) VALUES ($1, $2, $3, $4, $5)', [
      at,
      d.deviceId,
      d.hallId,
      'count',
      count,
    ]);
    return writeOutbox(tx, d.hallId, seq, at, {
      type: 'zone.counted',
      data: { deviceId: d.deviceId, zones: count.zones },
    });
  });
}
