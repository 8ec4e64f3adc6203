import { ref, shallowRef } from 'vue';
import { defineStore } from 'pinia';
import { io, type Socket } from 'socket.io-client';
import type {
  ConsoleResponse, HallWindowsResponse, WindowSignInResponse, WindowSignOutResponse,
} from '@contracts/console.ts';
import type { ClientToServerEvents, ServerToClientEvents } from '@contracts/socket.ts';
import { api, ApiError, codeOf } from '../api/http.ts';
import { useAuthStore } from './auth.ts';

/**
 * The window console (呼叫端, issue 4; docs/console.md). The screen is the
 * server's console read model (GET …/console); every operation is a POST
 * to …/ops and is followed by a fresh read. Live: the console joins the
 * hall's Socket.IO room like the wall does (stores/hall-live.ts) but does not
 * apply deltas itself — any delta (another window called, a ticket was taken)
 * just triggers a re-read, debounced, because the console's lists (call order,
 * estimates) are computed by the engine on the server and must not be
 * re-implemented here.
 */
type HallSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export type ConsoleLive = 'live' | 'connecting' | 'offline';
export type WindowOpBody =
  | { op: 'next' | 'recall' | 'skip' | 'start' | 'open' | 'pause' | 'resume' | 'close' }
  | { op: 'complete'; outcome: 'done' | 'refused' | 'incomplete' }
  | { op: 'transfer'; toQueueId?: string; toWindowId?: string }
  | { op: 'reactivate' | 'pick'; ticketNo: string; reason?: string };

/** Re-read at most this often while deltas stream in (a busy hall sends many). */
const REFRESH_DEBOUNCE_MS = 200;
/** Waited minutes and estimates move with the clock even when nothing happens. */
const CLOCK_REFRESH_MS = 30_000;

export const useConsoleStore = defineStore('console', () => {
  const windows = shallowRef<HallWindowsResponse | null>(null);
  const data = shallowRef<ConsoleResponse | null>(null);
  const live = ref<ConsoleLive>('offline');
  /** The last refusal or failure, as a code for the page to translate. */
  const errorCode = ref<string | null>(null);
  const busy = ref(false);
  let socket: HallSocket | null = null;
  let refreshTimer: ReturnType<typeof setTimeout> | undefined;
  let clockTimer: ReturnType<typeof setInterval> | undefined;
  let target: { hallId: string; windowId: string } | null = null;

  function handle(err: unknown): string {
    const auth = useAuthStore();
    const code = codeOf(err);
    if (err instanceof ApiError && (code === 'HALL_ERR_UNAUTHENTICATED' || code === 'HALL_ERR_SESSION_EXPIRED')) auth.expire();
    errorCode.value = code;
    return code;
  }

  async function loadWindows(hallId: string): Promise<void> {
    const auth = useAuthStore();
    try {
      windows.value = await api<HallWindowsResponse>(`/api/halls/${encodeURIComponent(hallId)}/windows`, { token: auth.token });
    } catch (err) {
      handle(err);
    }
  }

  /** Sign in at a window; a conflict (someone else there) comes back as their name, for the page to ask. */
  async function signIn(hallId: string, windowId: string, takeOver = false): Promise<{ ok: true; res: WindowSignInResponse } | { ok: false; code: string; signedIn?: string }> {
    const auth = useAuthStore();
    errorCode.value = null;
    try {
      const res = await api<WindowSignInResponse>(`/api/halls/${encodeURIComponent(hallId)}/windows/${encodeURIComponent(windowId)}/signin`, {
        method: 'POST', body: takeOver ? { takeOver: true } : {}, token: auth.token,
      });
      return { ok: true, res };
    } catch (err) {
      const code = handle(err);
      // Who is there: the chooser's list says it (the refusal's details are not kept by api()).
      if (code === 'HALL_ERR_CONFLICT') await loadWindows(hallId);
      const there = windows.value?.windows.find((w) => w.id === windowId)?.staff;
      return { ok: false, code, ...(there && !there.me ? { signedIn: there.username } : {}) };
    }
  }

  async function signOut(): Promise<WindowSignOutResponse | null> {
    if (!target) return null;
    const auth = useAuthStore();
    try {
      const res = await api<WindowSignOutResponse>(`/api/halls/${encodeURIComponent(target.hallId)}/windows/${encodeURIComponent(target.windowId)}/signout`, {
        method: 'POST', body: {}, token: auth.token,
      });
      return res;
    } catch (err) {
      handle(err);
      return null;
    }
  }

  async function refresh(): Promise<void> {
    if (!target) return;
    const auth = useAuthStore();
    const t = target;
    try {
      const res = await api<ConsoleResponse>(`/api/halls/${encodeURIComponent(t.hallId)}/windows/${encodeURIComponent(t.windowId)}/console`, { token: auth.token });
      if (target === t) data.value = res;
    } catch (err) {
      handle(err);
    }
  }

  function scheduleRefresh(): void {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(() => void refresh(), REFRESH_DEBOUNCE_MS);
  }

  /** One operation at the window; true when the server accepted it. */
  async function op(body: WindowOpBody): Promise<boolean> {
    if (!target || busy.value) return false;
    const auth = useAuthStore();
    busy.value = true;
    errorCode.value = null;
    try {
      await api(`/api/halls/${encodeURIComponent(target.hallId)}/windows/${encodeURIComponent(target.windowId)}/ops`, { method: 'POST', body, token: auth.token });
      await refresh();
      return true;
    } catch (err) {
      handle(err);
      await refresh(); // the refusal changed nothing, but the screen may have been stale
      return false;
    } finally {
      busy.value = false;
    }
  }

  function connect(hallId: string, windowId: string): void {
    disconnect();
    const auth = useAuthStore();
    target = { hallId, windowId };
    data.value = null;
    errorCode.value = null;
    void refresh();
    clockTimer = setInterval(() => void refresh(), CLOCK_REFRESH_MS);
    if (!auth.token) return;
    live.value = 'connecting';
    const s: HallSocket = io({ auth: { token: auth.token } });
    s.on('connect', () => {
      s.timeout(10_000).emitWithAck('hall:join', { hallId }).then((r) => {
        if (r.ok) live.value = 'live';
        else { live.value = 'offline'; errorCode.value = r.error.code; }
      }, () => { live.value = 'offline'; });
      scheduleRefresh(); // deltas missed while the socket was down
    });
    s.on('disconnect', () => { live.value = s.active ? 'connecting' : 'offline'; });
    s.on('connect_error', () => { if (!s.active) live.value = 'offline'; });
    s.on('session:ended', () => { auth.expire(); });
    s.on('hall:delta', (d) => { if (d.hallId === hallId) scheduleRefresh(); });
    socket = s;
  }

  function disconnect(): void {
    clearTimeout(refreshTimer);
    clearInterval(clockTimer);
    target = null;
    if (socket) {
      socket.removeAllListeners();
      socket.disconnect();
      socket = null;
    }
    live.value = 'offline';
  }

  function clearError(): void {
    errorCode.value = null;
  }

  return { windows, data, live, errorCode, busy, loadWindows, signIn, signOut, refresh, op, connect, disconnect, clearError };
});
