import type { SessionCache } from './queries/session-cache.ts';
import { listenSessionChanges } from './store/session-notices.ts';
import type { Db } from './store/pool.ts';
import type { Logger } from './logger.ts';

/**
 * Keeps this process's session cache true to PostgreSQL (docs/authentication.md
 * "Sessions"), as device revocation keeps the broker true (server/device-revocation.ts):
 * every change that alters a session look-up's answer sends `NOTIFY session_changed`
 * from a trigger in its own statement, whichever process or tool made it,
 * and this process drops the entries it names. While the listening
 * connection is down notices can be missed, so the cache is emptied and
 * keeps nothing until LISTEN is back (then emptied once more).
 */
export interface SessionInvalidation {
  close(): Promise<void>;
}

export async function startSessionInvalidation(o: {
  db: Db;
  cache: SessionCache;
  logger: Logger;
  /** After the cache dropped `key` (a token hash or `user:<id>`): open sockets of it are checked at once. */
  onNotice?: (key: string) => void;
  heartbeatMs?: number;
  retryMs?: number;
}): Promise<SessionInvalidation> {
  const log = o.logger.child({ module: 'session-invalidation' });
  const listener = await listenSessionChanges(o.db, {
    onNotice: (key) => {
      o.cache.forget(key);
      o.onNotice?.(key);
    },
    onListening: () => o.cache.setListening(true),
    onLost: () => o.cache.setListening(false),
    log,
    ...(o.heartbeatMs !== undefined ? { heartbeatMs: o.heartbeatMs } : {}),
    ...(o.retryMs !== undefined ? { retryMs: o.retryMs } : {}),
  });
  return {
    async close() {
      o.cache.setListening(false);
      await listener.close();
    },
  };
}
