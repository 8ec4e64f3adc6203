import type pg from 'pg';
import type { Db } from './pool.ts';

export interface ChannelListenerOptions {
  /** The NOTIFY channel (a plain identifier). */
  channel: string;
  /** Every non-empty payload on the channel, at once after the notifying commit. */
  onPayload(payload: string): void;
  /**
   * Runs on the listening connection right after LISTEN, first with `reconnect` false, then after
   * every reconnect (a catch-up read, for example). A throw counts as a lost connection.
   */
  onListening?(client: pg.PoolClient, reconnect: boolean): Promise<void> | void;
  /** The listening connection is gone: notices may be missed until `onListening` runs again. */
  onLost?(): void;
  /** A heartbeat succeeded: the listener was listening at this moment. */
  onHeartbeat?(): void;
  log: { warn(obj: object, msg: string): void };
  /** What the warning says when the connection is lost. */
  lostMessage: string;
  /** Keep-alive query; a named one shows in pg_stat_activity what the connection is for. Default `SELECT 1`. */
  heartbeatQuery?: string;
  /** Keep-alive period, so a dead connection is noticed. Default 30 s. */
  heartbeatMs?: number;
  /** Wait between reconnect attempts. Default 1 s. */
  retryMs?: number;
}

export interface ChannelListener {
  close(): Promise<void>;
}

/**
 * `LISTEN {channel}` on one dedicated connection of the pool, kept alive by a
 * heartbeat and reconnected after a loss. NOTIFY is not queued for a listener
 * that is not connected, so each user says what a loss means for it
 * (`onLost`, and a catch-up in `onListening`): device revocation reads what
 * it missed, the session cache forgets everything.
 */
export async function listenChannel(db: Db, o: ChannelListenerOptions): Promise<ChannelListener> {
  const heartbeatMs = o.heartbeatMs ?? 30_000;
  const retryMs = o.retryMs ?? 1_000;
  const heartbeatQuery = o.heartbeatQuery ?? 'SELECT 1';
  /** The live connection and how to give it back to the pool without reconnecting. */
  let current: { client: pg.PoolClient; stop(): boolean } | null = null;
  let started = false;
  let retry: NodeJS.Timeout | undefined;
  let closed = false;

  const onNotification = (m: pg.Notification): void => {
    if (m.channel === o.channel && m.payload) o.onPayload(m.payload);
  };

  const connect = async (reconnect: boolean): Promise<void> => {
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
      o.onLost?.();
      o.log.warn({ err }, o.lostMessage);
      scheduleRetry();
    };
    try {
      c.on('notification', onNotification);
      c.on('error', lost);
      c.on('end', () => lost(new Error('connection ended')));
      await c.query(`LISTEN ${o.channel}`);
      await o.onListening?.(c, reconnect);
    } catch (err) {
      lost(err);
      throw err;
    }
    current = { client: c, stop: detach };
    timer.heartbeat = setInterval(() => {
      c.query(heartbeatQuery).then(() => o.onHeartbeat?.(), lost);
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
      await cur.client.query(`UNLISTEN ${o.channel}`).catch(() => undefined);
      cur.client.release();
    },
  };
}
