import type { StaffPrincipal } from '../domain/access/scope.ts';
import { sessionState, shouldTouch } from '../domain/auth/session-rules.ts';
import type { Db } from '../store/pool.ts';
import {
  hashToken,
  readSession,
  touchSession,
  type SessionKind,
  type SessionLookup,
  type SessionRow,
} from '../store/sessions-repo.ts';

/**
 * Session look-ups from memory (docs/authentication.md "Sessions"): every
 * REST request and socket handshake checks its bearer token, and a round trip
 * to PostgreSQL each time is most of a cheap request's cost. The cache keeps
 * the session row's facts by token hash and applies the same pure rules as
 * `lookupSession` (server/domain/auth/session-rules.ts; GB/T 22239-2019
 * 8.1.4.1 b session timeout), so:
 *
 * - the absolute end (`expiresAt`) is exact from memory;
 * - idle is the one fact another process changes without a notice (its touch
 *   of `last_seen_at`), so a session that looks idle from memory is read again
 *   before it is refused: memory may say "still active" late by nothing and
 *   never says "idle" wrongly;
 * - the touch is written as before, at most once a minute per session;
 * - revocation, logout, TOTP, password and user changes reach every process
 *   through `NOTIFY session_changed` (server/session-invalidation.ts), which
 *   drops the entries; while that listener is not connected nothing is kept
 *   and every look-up reads PostgreSQL.
 *
 * A look-up whose read was under way when a notice arrived does not keep what
 * it read (it may predate the change). Size-capped (least recently used
 * first out) with a TTL as a safety net.
 */
export interface SessionCache {
  lookup(token: string, now: Date): Promise<SessionLookup>;
  /** The staff member behind a full session of `kind` (default `web`), as `sessionUser` in the store answers. */
  sessionUser(token: string, now: Date, kind?: SessionKind): Promise<StaffPrincipal | null>;
  /** Drops what a notice names: a token hash, or `user:<id>` for all of a user's sessions. */
  forget(key: string): void;
  /** This process's own change, so its next request does not wait for the notice. */
  forgetToken(token: string): void;
  forgetUser(user: { userId?: number; username?: string }): void;
  /** Keeps rows only while notices are heard; either way forgets everything held. */
  setListening(on: boolean): void;
  readonly size: number;
}

export interface SessionCacheOptions {
  db: Db;
  /** Most sessions held; the least recently used go first. Default 20,000 (issue-sized: one per online user). */
  maxEntries?: number;
  /** A row is read again after this long whatever the notices say. Default 5 minutes. */
  ttlMs?: number;
  /** Counts answers from memory (`hit`), from PostgreSQL (`miss`), and idle re-reads (`idle_reread`). */
  count?: (result: 'hit' | 'miss' | 'idle_reread') => void;
  /** Monotonic milliseconds for the TTL. Default `performance.now`. */
  monotonic?: () => number;
}

interface Entry {
  row: SessionRow;
  at: number;
}

export function createSessionCache(o: SessionCacheOptions): SessionCache {
  const maxEntries = o.maxEntries ?? 20_000;
  const ttlMs = o.ttlMs ?? 300_000;
  const mono = o.monotonic ?? (() => performance.now());
  const count = o.count ?? (() => undefined);
  /** Insertion order is recency: a hit moves its entry to the end. */
  const entries = new Map<string, Entry>();
  let listening = false;
  /** Moves on every forget; a read that started before a move is not kept. */
  let epoch = 0;

  const get = (hash: string): SessionRow | null => {
    const e = entries.get(hash);
    if (!e) return null;
    entries.delete(hash);
    if (mono() - e.at > ttlMs) return null;
    entries.set(hash, e);
    return e.row;
  };
  const keep = (hash: string, row: SessionRow | null, since: number): void => {
    if (!row || !listening || since !== epoch) return;
    entries.delete(hash);
    entries.set(hash, { row, at: mono() });
    while (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
  };
  const read = async (hash: string): Promise<SessionRow | null> => {
    const since = epoch;
    const row = await readSession(o.db, hash);
    keep(hash, row, since);
    return row;
  };
  const dropWhere = (match: (row: SessionRow) => boolean): void => {
    epoch++;
    for (const [h, e] of entries) if (match(e.row)) entries.delete(h);
  };

  const lookup = async (token: string, now: Date): Promise<SessionLookup> => {
    const hash = hashToken(token);
    let row = get(hash);
    const fromMemory = row !== null;
    count(fromMemory ? 'hit' : 'miss');
    row ??= await read(hash);
    if (!row) return { status: 'unknown' };
    if (row.revoked) return { status: 'revoked' };
    let state = sessionState({ ...row.info, lastSeenAt: row.lastSeenAt }, now);
    if (state === 'idle' && fromMemory) {
      // Another process may have used the session since this one last saw it.
      count('idle_reread');
      row = await read(hash);
      if (!row) return { status: 'unknown' };
      if (row.revoked) return { status: 'revoked' };
      state = sessionState({ ...row.info, lastSeenAt: row.lastSeenAt }, now);
    }
    if (state !== 'active') return { status: state };
    if (shouldTouch(row.lastSeenAt, now)) {
      const seen = await touchSession(o.db, hash, now);
      if (seen && seen > row.lastSeenAt) row.lastSeenAt = seen;
    }
    return { status: 'ok', session: row.info };
  };

  return {
    lookup,
    async sessionUser(token, now, kind = 'web') {
      const r = await lookup(token, now);
      return r.status === 'ok' && r.session.kind === kind && !r.session.mustEnrollTotp ? r.session.user : null;
    },
    forget(key) {
      if (key.startsWith('user:')) {
        const userId = Number(key.slice(5));
        dropWhere((row) => row.info.user.userId === userId);
      } else {
        epoch++;
        entries.delete(key);
      }
    },
    forgetToken(token) {
      epoch++;
      entries.delete(hashToken(token));
    },
    forgetUser(u) {
      dropWhere((row) => row.info.user.userId === u.userId || row.info.user.username === u.username);
    },
    setListening(on) {
      listening = on;
      epoch++;
      entries.clear();
    },
    get size() {
      return entries.size;
    },
  };
}
