import { ref } from 'vue';
import { io, type Socket } from 'socket.io-client';
import type { HallSnapshot } from '@contracts/hall.ts';
import type { ClientToServerEvents, HallDelta, ServerToClientEvents } from '@contracts/socket.ts';
import { ApiError, endsSession, sessionRefused, sessionToken } from '../api/client.ts';

/** `live`: joined and receiving deltas; `connecting`: (re)connecting or joining; `offline`: given up or refused. */
export type LiveState = 'live' | 'connecting' | 'offline';

type HallSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** How long to wait for a join/resync ack before treating the request as failed. */
export const ACK_TIMEOUT_MS = 10_000;

/** The code behind a refused handshake: the server's `err.data.code`, a HALL_ERR_* in the message, else network. */
function connectErrorCode(err: Error & { data?: unknown }): string {
  const data = err.data as { code?: unknown; error?: { code?: unknown } } | undefined;
  const code = data?.code ?? data?.error?.code;
  if (typeof code === 'string') return code;
  return /HALL_ERR_[A-Z_]+/.exec(err.message)?.[0] ?? 'NETWORK';
}

/** When a busy server asked us to come back (err.data.retryAfterMs), bounded; 2 s if it did not say. */
function retryAfterOf(err: Error & { data?: unknown }): number {
  const ms = (err.data as { retryAfterMs?: unknown } | undefined)?.retryAfterMs;
  return typeof ms === 'number' && ms > 0 ? Math.min(ms, 30_000) : 2_000;
}

export interface HallSocketEvents {
  /** Connected, first time or again: join the hall now (deltas sent while the socket was down are not replayed). */
  connected(): void;
  delta(d: HallDelta): void;
  /** A snapshot the server pushed by itself. */
  snapshot?(s: HallSnapshot): void;
  /** The socket dropped; socket.io may be reconnecting (`state` says which). */
  disconnected?(): void;
  /** The handshake was refused and socket.io gave up: the code to show. */
  refused?(code: string): void;
  /** The server closed the socket because its session ended (logout elsewhere, revoked, lifetime, idle). */
  sessionEnded?(): void;
}

/**
 * One Socket.IO link to the halls' rooms, as the wall and the console both
 * use it: connect with the session's token, (re)join on every connect,
 * snapshot and `seq` deltas over acks, and the session's end handled like a
 * refused REST request (api/client.ts). What to do with snapshots and deltas
 * stays with the caller: the wall applies them (live/hall-sync.ts), the
 * console re-reads its server-computed screen.
 */
export function useHallSocket(on: HallSocketEvents) {
  const state = ref<LiveState>('offline');
  let socket: HallSocket | null = null;
  let token: string | null = null;
  let retry: ReturnType<typeof setTimeout> | undefined;

  /** A snapshot over an ack; a refusal becomes an ApiError, and a refused session ends here. */
  async function ask(event: 'hall:join' | 'hall:resync', hallId: string): Promise<HallSnapshot> {
    const s = socket;
    if (!s) throw new ApiError('NETWORK', 'no socket');
    const res = await s.timeout(ACK_TIMEOUT_MS).emitWithAck(event, { hallId });
    if (!res.ok) {
      if (endsSession(res.error.code)) sessionRefused(token);
      throw new ApiError(res.error.code, res.error.message);
    }
    return res.data;
  }

  /** Opens the socket; false without a session (nothing to authenticate with). */
  function open(): boolean {
    close();
    token = sessionToken();
    if (!token) return false;
    state.value = 'connecting';
    // WebSocket first: no polling session to keep on one process of several (docs/scaling.md); polling
    // stays as the fallback for networks that block WebSockets.
    const s: HallSocket = io({ auth: { token }, transports: ['websocket', 'polling'] });
    s.on('connect', () => {
      state.value = 'connecting';
      on.connected();
    });
    s.on('disconnect', () => {
      // `active` stays true when socket.io will reconnect by itself.
      state.value = s.active ? 'connecting' : 'offline';
      on.disconnected?.();
    });
    s.on('connect_error', (err) => {
      if (s.active) return; // a network blip: socket.io retries, state stays `connecting`
      const code = connectErrorCode(err);
      if (code === 'HALL_ERR_BUSY') {
        // The server admits a reconnect storm at its own pace (docs/scaling.md): come back when it
        // says, plus jitter so the refused do not return together. Nothing to show but `connecting`.
        state.value = 'connecting';
        const wait = retryAfterOf(err) + Math.random() * 1000;
        retry = setTimeout(() => {
          if (socket === s) s.connect();
        }, wait);
        return;
      }
      state.value = 'offline';
      on.refused?.(code);
      if (endsSession(code)) sessionRefused(token);
    });
    s.on('session:ended', () => {
      on.sessionEnded?.();
      sessionRefused(token);
    });
    s.on('hall:delta', (d) => on.delta(d));
    s.on('hall:snapshot', (snap) => on.snapshot?.(snap));
    socket = s;
    return true;
  }

  function close(): void {
    clearTimeout(retry);
    if (socket) {
      socket.removeAllListeners();
      socket.disconnect();
      socket = null;
    }
    token = null;
    state.value = 'offline';
  }

  return { state, open, close, ask, connected: () => socket?.connected === true };
}

export type HallSocketLink = ReturnType<typeof useHallSocket>;
