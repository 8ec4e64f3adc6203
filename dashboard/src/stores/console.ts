import { ref, shallowRef } from 'vue';
import { defineStore } from 'pinia';
import type {
  ConsoleResponse,
  HallWindowsResponse,
  WindowSignInResponse,
  WindowSignOutResponse,
} from '@contracts/console.ts';
import { ApiError, codeOf } from '../api/client.ts';
import {
  hallWindows,
  signInAtWindow,
  signOutOfWindow,
  windowConsole,
  windowOp,
  type WindowOpBody,
} from '../api/console.ts';
import { useHallSocket } from '../live/use-hall-socket.ts';

/**
 * The window console (呼叫端, 001 §1.1.1.16; docs/console.md). The screen is the
 * server's console read model (GET …/console); every operation is a POST
 * to …/ops and is followed by a fresh read. Live: the console joins the
 * hall's Socket.IO room like the wall does (stores/hall-live.ts) but does not
 * apply deltas itself — any delta (another window called, a ticket was taken)
 * just triggers a re-read, debounced, because the console's lists (call order,
 * estimates) are computed by the engine on the server and must not be
 * re-implemented here.
 */
export type ConsoleLive = 'live' | 'connecting' | 'offline';
export type { WindowOpBody };

/** Re-read at most this often while deltas stream in (a busy hall sends many). */
const REFRESH_DEBOUNCE_MS = 200;
/** Waited minutes and estimates move with the clock even when nothing happens. */
const CLOCK_REFRESH_MS = 30_000;

export const useConsoleStore = defineStore('console', () => {
  const windows = shallowRef<HallWindowsResponse | null>(null);
  const data = shallowRef<ConsoleResponse | null>(null);
  /** The last refusal or failure, as a code for the page to translate. */
  const errorCode = ref<string | null>(null);
  const busy = ref(false);
  let refreshTimer: ReturnType<typeof setTimeout> | undefined;
  let clockTimer: ReturnType<typeof setInterval> | undefined;
  let target: { hallId: string; windowId: string } | null = null;

  const link = useHallSocket({
    connected: () => {
      const hallId = target?.hallId;
      if (hallId) {
        link.ask('hall:join', hallId).then(
          () => {
            live.value = 'live';
          },
          (err: unknown) => {
            live.value = 'offline';
            if (err instanceof ApiError) errorCode.value = err.code;
          },
        );
      }
      scheduleRefresh(); // deltas missed while the socket was down
    },
    delta: (d) => {
      if (d.hallId === target?.hallId) scheduleRefresh();
    },
  });
  const live = link.state;

  function handle(err: unknown): string {
    const code = codeOf(err);
    errorCode.value = code;
    return code;
  }

  async function loadWindows(hallId: string): Promise<void> {
    try {
      windows.value = await hallWindows(hallId);
    } catch (err) {
      handle(err);
    }
  }

  /** Sign in at a window; a conflict (someone else there) comes back as their name, for the page to ask. */
  async function signIn(
    hallId: string,
    windowId: string,
    takeOver = false,
  ): Promise<{ ok: true; res: WindowSignInResponse } | { ok: false; code: string; signedIn?: string }> {
    errorCode.value = null;
    try {
      const res = await signInAtWindow(hallId, windowId, takeOver);
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
    try {
      return await signOutOfWindow(target.hallId, target.windowId);
    } catch (err) {
      handle(err);
      return null;
    }
  }

  async function refresh(): Promise<void> {
    if (!target) return;
    const t = target;
    try {
      const res = await windowConsole(t.hallId, t.windowId);
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
    busy.value = true;
    errorCode.value = null;
    try {
      await windowOp(target.hallId, target.windowId, body);
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
    target = { hallId, windowId };
    data.value = null;
    errorCode.value = null;
    void refresh();
    clockTimer = setInterval(() => void refresh(), CLOCK_REFRESH_MS);
    link.open();
  }

  function disconnect(): void {
    clearTimeout(refreshTimer);
    clearInterval(clockTimer);
    target = null;
    link.close();
  }

  function clearError(): void {
    errorCode.value = null;
  }

  return {
    windows,
    data,
    live,
    errorCode,
    busy,
    loadWindows,
    signIn,
    signOut,
    refresh,
    op,
    connect,
    disconnect,
    clearError,
  };
});
