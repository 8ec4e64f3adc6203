import { listenChannel } from './channel-listener.ts';
import { DEVICE_REVOKED_CHANNEL, devicesRevokedSince, type DeviceRevocationNotice } from './devices-repo.ts';
import type { Db } from './pool.ts';

export interface RevocationListenerOptions {
  /** Called for every revoked or rotated device, on this process, at once after the commit. */
  onNotice(n: DeviceRevocationNotice): void;
  log: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
  /** Keep-alive query on the listening connection; also the mark a catch-up starts from. Default 30 s. */
  heartbeatMs?: number;
  /** Wait between reconnect attempts. Default 1 s. */
  retryMs?: number;
}

export interface RevocationListener {
  close(): Promise<void>;
}

/** Clocks of the writers (CLI, other hosts) may differ a little; a catch-up looks back this much further. */
const CATCH_UP_MARGIN_MS = 60_000;

/**
 * `LISTEN device_revoked` on one dedicated connection of the pool. Revoke and
 * rotate (REST or CLI, any process) send `pg_notify` in their transaction, so
 * this process hears of it on commit and closes the device's connection.
 *
 * NOTIFY is not queued for a listener that is not connected. When the
 * connection is lost the listener reconnects, LISTENs again, and then reads
 * the devices revoked or rotated since the last moment it knew it was
 * listening (heartbeat), minus a margin, and reports those too: a device may
 * be disconnected twice, never missed.
 */
export async function listenDeviceRevocations(db: Db, o: RevocationListenerOptions): Promise<RevocationListener> {
  const heartbeatMs = o.heartbeatMs ?? 30_000;
  /** Wall-clock ms when the listener last knew it was listening. */
  let aliveAt = 0;
  return listenChannel(db, {
    channel: DEVICE_REVOKED_CHANNEL,
    onPayload(payload) {
      let n: Partial<DeviceRevocationNotice>;
      try {
        n = JSON.parse(payload) as Partial<DeviceRevocationNotice>;
      } catch {
        return;
      }
      if (typeof n.deviceId !== 'string' || (n.reason !== 'revoke' && n.reason !== 'rotate')) return;
      o.onNotice({ deviceId: n.deviceId, reason: n.reason });
    },
    async onListening(client, reconnect) {
      if (reconnect) {
        const missed = await devicesRevokedSince(client, new Date(aliveAt - heartbeatMs - CATCH_UP_MARGIN_MS));
        if (missed.length > 0) o.log.info({ devices: missed.length }, 'device revocations caught up after reconnect');
        for (const n of missed) o.onNotice(n);
      }
      aliveAt = Date.now();
    },
    onHeartbeat() {
      aliveAt = Date.now();
    },
    log: o.log,
    lostMessage: 'device revocation listener lost its database connection; reconnecting',
    heartbeatMs,
    ...(o.retryMs === undefined ? {} : { retryMs: o.retryMs }),
  });
}
