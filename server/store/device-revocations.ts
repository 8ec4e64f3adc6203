import type pg from 'pg';
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
  const retryMs = o.retryMs ?? 1_000;
  /** The live connection and how to give it back to the pool without reconnecting. */
  let current: { client: pg.PoolClient; stop(): boolean } | null = null;
  let started = false;
  let retry: NodeJS.Timeout | undefined;
  let closed = false;
  /** Wall-clock ms when the listener last knew it was listening. */
  let aliveAt = 0;

  const onNotification = (m: pg.Notification): void => {
    if (m.channel !== DEVICE_REVOKED_CHANNEL || !m.payload) return;
    let n: Partial<DeviceRevocationNotice>;
    try {
      n = JSON.parse(m.payload) as Partial<DeviceRevocationNotice>;
    } catch {
      return;
    }
    if (typeof n.deviceId !== 'string' || (n.reason !== 'revoke' && n.reason !== 'rotate')) return;
    o.onNotice({ deviceId: n.deviceId, reason: n.reason });
  };

  const connect = async (catchUp: boolean): Promise<void> => {
    const c = await db.connect();
    const timer: { heartbeat?: NodeJS.Timeout } = {};
    let done = false;
    const detach = (): boolean => {
      if (done) return false;
      done = true;
      clearInterval(timer.heartbeat);
      c.off('notification', onNotification);
      if (current?.client === c) current = null;
      return true;
    };
    const lost = (err?: unknown): void => {
      if (!detach()) return;
      c.release(err instanceof Error ? err : true);
      if (closed || !started) return;
      o.log.warn({ err }, 'device revocation listener lost its database connection; reconnecting');
      scheduleRetry();
    };
    try {
      c.on('notification', onNotification);
      c.on('error', lost);
      c.on('end', () => lost(new Error('connection ended')));
      await c.query(`LISTEN ${DEVICE_REVOKED_CHANNEL}`);
      if (catchUp) {
        const missed = await devicesRevokedSince(c, new Date(aliveAt - heartbeatMs - CATCH_UP_MARGIN_MS));
        if (missed.length > 0) o.log.info({ devices: missed.length }, 'device revocations caught up after reconnect');
        for (const n of missed) o.onNotice(n);
      }
    } catch (err) {
      lost(err);
      throw err;
    }
    aliveAt = Date.now();
    current = { client: c, stop: detach };
    timer.heartbeat = setInterval(() => {
      c.query('SELECT 1').then(() => {
        aliveAt = Date.now();
      }, lost);
    }, heartbeatMs);
    timer.heartbeat.unref();
  };

  const scheduleRetry = (): void => {
    clearTimeout(retry);
    retry = setTimeout(() => {
      if (closed) return;
      connect(true).catch(() => {
        if (!closed) scheduleRetry();
      });
    }, retryMs);
    retry.unref();
  };

  await connect(false);
  started = true;
  return {
    async close() {
      closed = true;
      clearTimeout(retry);
      const cur = current;
      if (!cur || !cur.stop()) return;
      await cur.client.query(`UNLISTEN ${DEVICE_REVOKED_CHANNEL}`).catch(() => undefined);
      cur.client.release();
    },
  };
}
