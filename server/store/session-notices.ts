import type pg from 'pg';
import type { Db } from './pool.ts';
import { SESSION_CHANGED_CHANNEL } from './sessions-repo.ts';

export interface SessionNoticeListenerOptions {
  /** A token hash or `user:<id>`, at once after the commit of the change (any process, CLI, psql). */
  onNotice(key: string): void;
  /** LISTEN is in place (first time or after a reconnect): from now on no change goes unheard. */
  onListening(): void;
  /** The listening connection is gone: notices may be missed until `onListening` again. */
  onLost(): void;
  log: { warn(obj: object, msg: string): void };
  /** Keep-alive query on the listening connection, so a dead connection is noticed. Default 30 s. */
  heartbeatMs?: number;
  /** Wait between reconnect attempts. Default 1 s. */
  retryMs?: number;
}

export interface SessionNoticeListener {
  close(): Promise<void>;
}

/**
 * `LISTEN session_changed` on one dedicated connection of the pool, as
 * `listenDeviceRevocations` does for devices (server/store/device-revocations.ts).
 * NOTIFY is not queued for a listener that is not connected, and there is no
 * table of past session changes to catch up from, so a lost connection is
 * reported (`onLost`: the cache forgets everything and stops keeping rows)
 * until LISTEN is in place again (`onListening`).
 */
export async function listenSessionChanges(db: Db, o: SessionNoticeListenerOptions): Promise<SessionNoticeListener> {
  const heartbeatMs = o.heartbeatMs ?? 30_000;
  const retryMs = o.retryMs ?? 1_000;
  let current: { client: pg.PoolClient; stop(): boolean } | null = null;
  let started = false;
  let retry: NodeJS.Timeout | undefined;
  let closed = false;

  const onNotification = (m: pg.Notification): void => {
    if (m.channel === SESSION_CHANGED_CHANNEL && m.payload) o.onNotice(m.payload);
  };

  const connect = async (): Promise<void> => {
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
      o.onLost();
      o.log.warn({ err }, 'session change listener lost its database connection; cache cleared, reconnecting');
      scheduleRetry();
    };
    try {
      c.on('notification', onNotification);
      c.on('error', lost);
      c.on('end', () => lost(new Error('connection ended')));
      await c.query(`LISTEN ${SESSION_CHANGED_CHANNEL}`);
    } catch (err) {
      lost(err);
      throw err;
    }
    current = { client: c, stop: detach };
    o.onListening();
    // Named, so an operator sees in pg_stat_activity what this connection is for.
    timer.heartbeat = setInterval(() => {
      c.query('SELECT 1 AS session_changed_listener').catch(lost);
    }, heartbeatMs);
    timer.heartbeat.unref();
  };

  const scheduleRetry = (): void => {
    clearTimeout(retry);
    retry = setTimeout(() => {
      if (closed) return;
      connect().catch(() => {
        if (!closed) scheduleRetry();
      });
    }, retryMs);
    retry.unref();
  };

  await connect();
  started = true;
  return {
    async close() {
      closed = true;
      clearTimeout(retry);
      const cur = current;
      if (!cur || !cur.stop()) return;
      await cur.client.query(`UNLISTEN ${SESSION_CHANGED_CHANNEL}`).catch(() => undefined);
      cur.client.release();
    },
  };
}
