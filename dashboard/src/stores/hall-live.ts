import { computed, ref, shallowRef } from 'vue';
import { defineStore } from 'pinia';
import { io, type Socket } from 'socket.io-client';
import type { HallSnapshot } from '@contracts/hall.ts';
import type { ClientToServerEvents, ServerToClientEvents } from '@contracts/socket.ts';
import { ApiError, codeOf } from '../api/http.ts';
import { HallSync } from '../live/hall-sync.ts';
import { changesServerFigures } from '../live/apply-delta.ts';
import { useAuthStore } from './auth.ts';

/** `live`: joined and receiving deltas; `connecting`: (re)connecting or joining; `offline`: given up or refused. */
export type LiveState = 'live' | 'connecting' | 'offline';

type HallSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** How long to wait for a join/resync ack before treating the request as failed. */
const ACK_TIMEOUT_MS = 10_000;

/**
 * The server figures deltas do not determine (wait ranges, longest waits, the
 * pressure level, staff at windows, the queues a window serves now; see
 * live/apply-delta.ts) come from a fresh snapshot (`hall:resync`): after an
 * event that changes them, at most once per SERVER_FIGURES_REFRESH_MS, so a
 * busy hall costs the server one snapshot per wall every few seconds; and
 * every SERVER_FIGURES_MAX_AGE_MS in any case, because waits grow, time
 * periods switch and staff sign in without an event.
 */
export const SERVER_FIGURES_REFRESH_MS = 3_000;
export const SERVER_FIGURES_MAX_AGE_MS = 60_000;

async function askSnapshot(socket: HallSocket, event: 'hall:join' | 'hall:resync', hallId: string): Promise<HallSnapshot> {
  const res = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck(event, { hallId });
  if (!res.ok) throw new ApiError(res.error.code, res.error.message);
  return res.data;
}

/** The code behind a refused handshake: the server's `err.data.code`, a HALL_ERR_* in the message, else network. */
function connectErrorCode(err: Error & { data?: unknown }): string {
  const data = err.data as { code?: unknown; error?: { code?: unknown } } | undefined;
  const code = data?.code ?? data?.error?.code;
  if (typeof code === 'string') return code;
  return /HALL_ERR_[A-Z_]+/.exec(err.message)?.[0] ?? 'NETWORK';
}

/**
 * The live state of the hall on the wall. Socket.IO carries a snapshot on
 * join and then `hall:delta`s; HallSync applies them in `seq` order and asks
 * `hall:resync` on a gap. On every (re)connect the hall is joined again and
 * its fresh snapshot replaces the state, because deltas sent while the socket
 * was down are not replayed by the server.
 */
export const useHallLiveStore = defineStore('hallLive', () => {
  const hallId = ref<string | null>(null);
  const snapshot = shallowRef<HallSnapshot | null>(null);
  const state = ref<LiveState>('offline');
  const errorCode = ref<string | null>(null);
  /** A snapshot is on its way (join or resync); deltas are being buffered. */
  const syncing = ref(false);
  let socket: HallSocket | null = null;
  let sync: HallSync | null = null;
  const refresh = { timer: null as ReturnType<typeof setTimeout> | null, every: null as ReturnType<typeof setInterval> | null, last: 0, due: false, busy: false };

  function wantServerFigures(): void {
    refresh.due = true;
    scheduleRefresh();
  }

  function scheduleRefresh(): void {
    if (refresh.timer || refresh.busy || !refresh.due) return;
    const wait = Math.max(0, refresh.last + SERVER_FIGURES_REFRESH_MS - Date.now());
    refresh.timer = setTimeout(() => { void runRefresh(); }, wait);
  }

  async function runRefresh(): Promise<void> {
    refresh.timer = null;
    const s = socket;
    const hs = sync;
    if (!s?.connected || !hs?.snapshot) return; // the next (re)join brings a whole snapshot anyway
    refresh.due = false;
    refresh.busy = true;
    refresh.last = Date.now();
    try {
      const snap = await askSnapshot(s, 'hall:resync', hs.hallId);
      if (sync !== hs) return;
      hs.offer(snap);
      // Deltas overtook the snapshot (it was read before they committed): ask again, after the pause.
      if (hs.snapshot !== snap) refresh.due = true;
    } catch {
      refresh.due = true; // a failed refresh is retried after the pause; the wall keeps its figures meanwhile
    } finally {
      refresh.busy = false;
      if (sync === hs) scheduleRefresh();
    }
  }

  function stopRefresh(): void {
    if (refresh.timer) clearTimeout(refresh.timer);
    if (refresh.every) clearInterval(refresh.every);
    refresh.timer = null;
    refresh.every = null;
    refresh.due = false;
  }

  const totalWaiting = computed(() => snapshot.value?.queues.reduce((n, q) => n + q.waiting, 0) ?? 0);
  const issuedToday = computed(() => snapshot.value?.queues.reduce((n, q) => n + q.issuedToday, 0) ?? 0);
  const devicesOnline = computed(() => snapshot.value?.devices.filter((d) => d.online).length ?? 0);
  const devicesTotal = computed(() => snapshot.value?.devices.length ?? 0);
  const openWindows = computed(() => snapshot.value?.windows.filter((w) => w.status === 'open').length ?? 0);
  const windowsTotal = computed(() => snapshot.value?.windows.length ?? 0);

  function connect(id: string): void {
    disconnect();
    const auth = useAuthStore();
    hallId.value = id;
    snapshot.value = null;
    errorCode.value = null;
    if (!auth.token) {
      errorCode.value = 'HALL_ERR_UNAUTHENTICATED';
      return;
    }
    state.value = 'connecting';
    const s: HallSocket = io({ auth: { token: auth.token } });
    const hallSync = new HallSync(id, {
      join: (h) => askSnapshot(s, 'hall:join', h),
      resync: (h) => askSnapshot(s, 'hall:resync', h),
    }, {
      onState: (st) => {
        snapshot.value = st;
        errorCode.value = null;
        if (s.connected) state.value = 'live';
      },
      onError: (err, kind) => {
        errorCode.value = codeOf(err);
        if (kind === 'join') state.value = 'offline';
        if (errorCode.value === 'HALL_ERR_UNAUTHENTICATED') auth.expire();
      },
      onLoading: (v) => { syncing.value = v; },
    });

    s.on('connect', () => {
      state.value = 'connecting';
      errorCode.value = null;
      void hallSync.join();
    });
    s.on('disconnect', () => {
      hallSync.stop();
      // `active` stays true when socket.io will reconnect by itself.
      state.value = s.active ? 'connecting' : 'offline';
    });
    s.on('connect_error', (err) => {
      if (s.active) return; // a network blip: socket.io retries, state stays `connecting`
      state.value = 'offline';
      errorCode.value = connectErrorCode(err);
      if (errorCode.value === 'HALL_ERR_UNAUTHENTICATED') auth.expire();
    });
    // The server closes a socket whose session ended (logout elsewhere, revoked, lifetime): sign in again.
    s.on('session:ended', () => {
      errorCode.value = 'HALL_ERR_SESSION_EXPIRED';
      auth.expire();
    });
    s.on('hall:delta', (d) => {
      hallSync.receive(d);
      if (changesServerFigures(d.event)) wantServerFigures();
    });
    refresh.every = setInterval(wantServerFigures, SERVER_FIGURES_MAX_AGE_MS);
    s.on('hall:snapshot', (snap) => hallSync.offer(snap));
    socket = s;
    sync = hallSync;
  }

  function disconnect(): void {
    stopRefresh();
    sync?.stop();
    sync = null;
    if (socket) {
      socket.removeAllListeners();
      socket.disconnect();
      socket = null;
    }
    state.value = 'offline';
    syncing.value = false;
  }

  return {
    hallId, snapshot, state, errorCode, syncing, totalWaiting, issuedToday, devicesOnline, devicesTotal, openWindows, windowsTotal, connect, disconnect,
  };
});
