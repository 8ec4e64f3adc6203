import { computed, ref, shallowRef } from 'vue';
import { defineStore } from 'pinia';
import type { HallSnapshot } from '@contracts/hall.ts';
import { codeOf } from '../api/client.ts';
import { HallSync } from '../live/hall-sync.ts';
import { changesServerFigures } from '../../../contracts/apply-delta.ts';
import { useHallSocket, type LiveState } from '../live/use-hall-socket.ts';

export type { LiveState };

/**
 * The server figures deltas do not determine (wait ranges, longest waits, the
 * pressure level, staff at windows, the queues a window serves now; see
 * contracts/apply-delta.ts) come from a fresh snapshot (`hall:resync`): after an
 * event that changes them, at most once per SERVER_FIGURES_REFRESH_MS, so a
 * busy hall costs the server one snapshot per wall every few seconds; and
 * every SERVER_FIGURES_MAX_AGE_MS in any case, because waits grow, time
 * periods switch and staff sign in without an event.
 */
export const SERVER_FIGURES_REFRESH_MS = 3_000;
export const SERVER_FIGURES_MAX_AGE_MS = 60_000;

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
  const errorCode = ref<string | null>(null);
  /** A snapshot is on its way (join or resync); deltas are being buffered. */
  const syncing = ref(false);
  let sync: HallSync | null = null;
  const link = useHallSocket({
    connected: () => {
      errorCode.value = null;
      void sync?.join();
    },
    disconnected: () => sync?.stop(),
    refused: (code) => {
      errorCode.value = code;
    },
    sessionEnded: () => {
      errorCode.value = 'HALL_ERR_SESSION_EXPIRED';
    },
    delta: (d) => {
      sync?.receive(d);
      if (changesServerFigures(d.event)) wantServerFigures();
    },
    snapshot: (snap) => sync?.offer(snap),
  });
  const state = link.state;
  const refresh = {
    timer: null as ReturnType<typeof setTimeout> | null,
    every: null as ReturnType<typeof setInterval> | null,
    last: 0,
    due: false,
    busy: false,
  };

  function wantServerFigures(): void {
    refresh.due = true;
    scheduleRefresh();
  }

  function scheduleRefresh(): void {
    if (refresh.timer || refresh.busy || !refresh.due) return;
    const wait = Math.max(0, refresh.last + SERVER_FIGURES_REFRESH_MS - Date.now());
    refresh.timer = setTimeout(() => {
      void runRefresh();
    }, wait);
  }

  async function runRefresh(): Promise<void> {
    refresh.timer = null;
    const hs = sync;
    if (!link.connected() || !hs?.snapshot) return; // the next (re)join brings a whole snapshot anyway
    refresh.due = false;
    refresh.busy = true;
    refresh.last = Date.now();
    try {
      const snap = await link.ask('hall:resync', hs.hallId);
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
    hallId.value = id;
    snapshot.value = null;
    errorCode.value = null;
    sync = new HallSync(
      id,
      {
        join: (h) => link.ask('hall:join', h),
        resync: (h) => link.ask('hall:resync', h),
      },
      {
        onState: (st) => {
          snapshot.value = st;
          errorCode.value = null;
          if (link.connected()) state.value = 'live';
        },
        onError: (err, kind) => {
          errorCode.value = codeOf(err);
          if (kind === 'join') state.value = 'offline';
        },
        onLoading: (v) => {
          syncing.value = v;
        },
      },
    );
    if (!link.open()) {
      sync = null;
      errorCode.value = 'HALL_ERR_UNAUTHENTICATED';
      return;
    }
    refresh.every = setInterval(wantServerFigures, SERVER_FIGURES_MAX_AGE_MS);
  }

  function disconnect(): void {
    stopRefresh();
    sync?.stop();
    sync = null;
    link.close();
    syncing.value = false;
  }

  return {
    hallId,
    snapshot,
    state,
    errorCode,
    syncing,
    totalWaiting,
    issuedToday,
    devicesOnline,
    devicesTotal,
    openWindows,
    windowsTotal,
    connect,
    disconnect,
  };
});
