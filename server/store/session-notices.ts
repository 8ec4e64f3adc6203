import { listenChannel } from './channel-listener.ts';
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
  return listenChannel(db, {
    channel: SESSION_CHANGED_CHANNEL,
    onPayload: o.onNotice,
    onListening: () => o.onListening(),
    onLost: o.onLost,
    log: o.log,
    lostMessage: 'session change listener lost its database connection; cache cleared, reconnecting',
    heartbeatQuery: 'SELECT 1 AS session_changed_listener',
    ...(o.heartbeatMs === undefined ? {} : { heartbeatMs: o.heartbeatMs }),
    ...(o.retryMs === undefined ? {} : { retryMs: o.retryMs }),
  });
}
