import {
  HallError,
  type DemoPace,
  type DomainEvent,
  type HallDelta,
  type HallSnapshot,
} from '../../contracts/index.ts';
import { applyDelta, changesServerFigures } from '../../contracts/apply-delta.ts';
import { hallDay } from '../domain/hall-time.ts';
import type { Clock } from '../domain/clock.ts';
import { hallEventsBetween, type HallFeedNotice } from '../store/hall-feed.ts';
import { hallSnapshot } from '../store/halls-repo.ts';
import type { Db } from '../store/pool.ts';

/**
 * Each server process's live view of each hall (docs/architecture.md "Reads
 * from memory"): the snapshot the wall would get, kept current by applying the
 * hall's ordered events with the wall's own rules (contracts/apply-delta.ts),
 * and serialised once per seq. `hall:join`, `hall:resync` and `GET
 * …/snapshot` answer from it; PostgreSQL is read to build a view, to repair a
 * gap in its events and to refresh the figures the events do not determine.
 *
 * Events arrive from two places: this process's own commits (at once) and
 * the hall feed (migration 016: NOTIFY at commit, every process's commits,
 * in commit order). They are applied strictly in seq order, each once; the
 * view hands each applied event to `onDelta` (the sockets of this process),
 * so a socket sees a gapless, ordered delta stream from the same state its
 * snapshot came from.
 *
 * - Out of order (seq > view.seq + 1): held; if the missing seqs have not
 *   come within `gapWaitMs` (a local commit can overtake another process's
 *   notice), they are read from the outbox; if that fails, the view is rebuilt.
 * - Server figures (wait ranges, longest wait, clearing time, staff at a
 *   window, queues open now; see apply-delta.ts): after an event that changes
 *   them the view is re-read at most once per `figuresMs`, and every
 *   `refreshMs` in any case (waits grow with time, the hall day rolls). The
 *   re-read is taken at whatever seq it sees: behind the view, the view's
 *   newer events are replayed onto it; ahead, it waits until the events
 *   reach its seq. Either way the exact part stays what the deltas made it.
 * - A `changed` notice (windows, queues, devices, staff, name) re-reads at once.
 * - A lost feed connection may have dropped notices: every view is re-read.
 * - Views nobody read and nobody watches for `idleMs` are dropped.
 */
export interface HallViewsDeps {
  db: Db;
  clock: Clock;
  tz: string;
  /** The pace of the device simulator driving a hall, if one does (the snapshot's `demoPace`). */
  demoPaceOf?: (hallId: string) => DemoPace | undefined;
  /** Whether any local socket watches the hall (keeps its view alive and refreshed). */
  isWatched?: (hallId: string) => boolean;
  /** Counter hook: builds, refreshes, repairs, reads served from memory. */
  count?: (what: 'build' | 'refresh' | 'repair' | 'read') => void;
  warn?: (obj: object, msg: string) => void;
  figuresMs?: number;
  refreshMs?: number;
  gapWaitMs?: number;
  /** Least time between two re-reads asked for by readers wanting fresh figures. */
  freshMs?: number;
  idleMs?: number;
}

export interface HallViews {
  /**
   * The hall's current snapshot (built on first use). HALL_ERR_NOT_FOUND for a hall that does not exist.
   * `fresh`: the reader asks for current server figures (`hall:resync`, REST): when events changed
   * them, they are re-read first — at most once per `freshMs` per hall, however many readers ask.
   */
  snapshot(hallId: string, opts?: { fresh?: boolean }): Promise<HallSnapshot>;
  /** The same, as the JSON text served to REST readers, serialised once per seq. */
  snapshotJson(hallId: string, opts?: { fresh?: boolean }): Promise<string>;
  /** An event of this process's own commit, or from the feed; any order, duplicates ignored. */
  accept(event: DomainEvent): void;
  /**
   * The view as it is now, synchronously (null when there is none): read in the
   * same tick as a socket enters the hall's room, no delta can fall between.
   */
  peek(hallId: string): HallSnapshot | null;
  /** A change made by this process that its feed notice will also report: the next read waits for a fresh one. */
  invalidate(hallId: string): void;
  /** A notice from the hall feed. */
  notice(n: HallFeedNotice): void;
  /** The feed was down: notices may be lost; re-read every view. */
  feedResumed(): void;
  /** Called with each event once its view applied it, in seq order per hall. */
  onDelta(fn: (d: HallDelta) => void): void;
  /** Halls with a view, and their seq (metrics, tests). */
  stats(): { views: number; pendingEvents: number };
  close(): void;
}

interface View {
  hallId: string;
  snap: HallSnapshot | null;
  json: string | null;
  /** Events above snap.seq, waiting for their turn. */
  pending: Map<number, DomainEvent>;
  /** The last applied events, to replay onto a refresh read behind the view. */
  recent: DomainEvent[];
  /** A refresh read ahead of the view: swapped in when the view reaches its seq. */
  ahead: HallSnapshot | null;
  building: Promise<HallSnapshot> | null;
  figuresDirty: boolean;
  forceRefresh: boolean;
  /** The hall day of the clock when the view was read: a new day re-reads at once (the day rolls). */
  builtDay: string;
  builtAt: number;
  readAt: number;
  gapTimer: NodeJS.Timeout | null;
}

const RECENT_KEEP = 512;

export function createHallViews(deps: HallViewsDeps): HallViews {
  const figuresMs = deps.figuresMs ?? 2_000;
  const refreshMs = deps.refreshMs ?? 30_000;
  const gapWaitMs = deps.gapWaitMs ?? 250;
  const freshMs = deps.freshMs ?? 500;
  const idleMs = deps.idleMs ?? 10 * 60_000;
  const views = new Map<string, View>();
  const deltaListeners: ((d: HallDelta) => void)[] = [];
  // Load pacing, not domain time: real milliseconds even when the clock is injected.
  const now = () => performance.now();

  function viewOf(hallId: string): View {
    let v = views.get(hallId);
    if (!v) {
      v = {
        hallId,
        snap: null,
        json: null,
        pending: new Map(),
        recent: [],
        ahead: null,
        building: null,
        figuresDirty: false,
        forceRefresh: false,
        builtDay: '',
        builtAt: 0,
        readAt: now(),
        gapTimer: null,
      };
      views.set(hallId, v);
    }
    return v;
  }

  async function read(hallId: string): Promise<HallSnapshot> {
    const at = deps.clock.now();
    const snap = await hallSnapshot(deps.db, hallId, hallDay(at, deps.tz), at, deps.tz);
    if (!snap) throw new HallError('HALL_ERR_NOT_FOUND', `no hall ${hallId}`);
    const demoPace = deps.demoPaceOf?.(hallId);
    return demoPace ? { ...snap, demoPace } : snap;
  }

  /** One read at a time per view; the result is merged with what arrived meanwhile. */
  function rebuild(v: View, reason: 'build' | 'refresh' | 'repair'): Promise<HallSnapshot> {
    v.building ??= (async () => {
      deps.count?.(reason);
      v.figuresDirty = false;
      v.forceRefresh = false;
      try {
        const day = hallDay(deps.clock.now(), deps.tz);
        const fresh = await read(v.hallId);
        v.builtAt = now();
        v.builtDay = day;
        merge(v, fresh);
        return v.snap!;
      } finally {
        v.building = null;
      }
    })();
    return v.building;
  }

  function merge(v: View, fresh: HallSnapshot): void {
    const cur = v.snap;
    if (!cur || fresh.seq >= cur.seq) {
      if (cur && fresh.seq > cur.seq && hasWatchers(v)) {
        // Ahead of what this process's sockets were sent: hold it until the events catch up,
        // so every socket still gets each delta once and in order.
        v.ahead = fresh;
        drain(v);
        scheduleGapRepair(v);
        return;
      }
      setSnap(v, fresh);
      for (const s of [...v.pending.keys()]) if (s <= fresh.seq) v.pending.delete(s);
      v.recent = v.recent.filter((e) => e.seq > fresh.seq);
      drain(v);
      return;
    }
    // Behind the view: replay the view's newer events onto the fresh read.
    let s = fresh;
    for (const e of v.recent) {
      if (e.seq <= s.seq) continue;
      const out = applyDelta(s, { hallId: v.hallId, seq: e.seq, event: e });
      if (out.kind !== 'applied') {
        v.figuresDirty = true; // not enough history kept: try again later
        return;
      }
      s = out.state;
    }
    if (s.seq === cur.seq) setSnap(v, s);
    else v.figuresDirty = true;
  }

  function setSnap(v: View, s: HallSnapshot): void {
    v.snap = s;
    v.json = null;
  }

  function hasWatchers(v: View): boolean {
    return deps.isWatched?.(v.hallId) ?? false;
  }

  /** Applies held events while the next seq is there. */
  function drain(v: View): void {
    const s0 = v.snap;
    if (!s0) return;
    let s = s0;
    for (let e = v.pending.get(s.seq + 1); e; e = v.pending.get(s.seq + 1)) {
      v.pending.delete(e.seq);
      const delta: HallDelta = { hallId: v.hallId, seq: e.seq, event: e };
      const out = applyDelta(s, delta);
      if (out.kind !== 'applied') break;
      s = out.state;
      v.recent.push(e);
      if (changesServerFigures(e)) v.figuresDirty = true;
      if (v.ahead && v.ahead.seq === s.seq) {
        s = v.ahead; // the refresh read, now that the deltas reached it
        v.ahead = null;
      } else if (v.ahead && v.ahead.seq < s.seq) v.ahead = null;
      v.snap = s;
      v.json = null;
      for (const fn of deltaListeners) fn(delta);
    }
    if (v.recent.length > RECENT_KEEP) v.recent.splice(0, v.recent.length - RECENT_KEEP);
    if (v.pending.size > 0) scheduleGapRepair(v);
  }

  function scheduleGapRepair(v: View): void {
    if (v.gapTimer) return;
    v.gapTimer = setTimeout(() => {
      v.gapTimer = null;
      repairGap(v).catch((err: unknown) => deps.warn?.({ err, hallId: v.hallId }, 'hall view repair failed'));
    }, gapWaitMs);
    v.gapTimer.unref();
  }

  async function repairGap(v: View): Promise<void> {
    const s = v.snap;
    if (!s) return;
    const target = Math.max(v.ahead?.seq ?? 0, ...v.pending.keys());
    if (target <= s.seq) return;
    deps.count?.('repair');
    const missing = await hallEventsBetween(deps.db, v.hallId, s.seq, target);
    for (const e of missing) if (e.seq > (v.snap?.seq ?? 0)) v.pending.set(e.seq, e);
    drain(v);
    const after = v.snap;
    if (after && (v.pending.size > 0 || (v.ahead && v.ahead.seq > after.seq))) {
      // The outbox did not fill the gap (pruned, or a notice for a seq never committed): start over.
      v.pending.clear();
      v.ahead = null;
      v.snap = null;
      v.json = null;
      await rebuild(v, 'repair');
    }
  }

  async function current(hallId: string, fresh = false): Promise<HallSnapshot> {
    const v = viewOf(hallId);
    v.readAt = now();
    const stale = fresh && v.figuresDirty && now() - v.builtAt >= freshMs;
    if (v.snap && !stale && !v.forceRefresh && v.builtDay === hallDay(deps.clock.now(), deps.tz)) {
      deps.count?.('read');
      return v.snap;
    }
    try {
      return await rebuild(v, v.snap ? 'refresh' : 'build');
    } catch (e) {
      if (!v.snap) views.delete(hallId); // no such hall, or the database is away: nothing to keep
      throw e;
    }
  }

  const tick = setInterval(
    () => {
      const t = now();
      for (const v of views.values()) {
        const watched = hasWatchers(v);
        if (!watched && t - v.readAt > idleMs) {
          if (v.gapTimer) clearTimeout(v.gapTimer);
          views.delete(v.hallId);
          continue;
        }
        if (!v.snap || v.building) continue;
        const due = v.forceRefresh || (v.figuresDirty && t - v.builtAt >= figuresMs) || t - v.builtAt >= refreshMs;
        if (due)
          rebuild(v, 'refresh').catch((err: unknown) =>
            deps.warn?.({ err, hallId: v.hallId }, 'hall view refresh failed'),
          );
      }
    },
    Math.min(500, figuresMs),
  );
  tick.unref();

  return {
    snapshot: (hallId, opts) => current(hallId, opts?.fresh),
    async snapshotJson(hallId, opts) {
      const snap = await current(hallId, opts?.fresh);
      const v = views.get(hallId);
      if (!v || v.snap !== snap) return JSON.stringify(snap);
      v.json ??= JSON.stringify(snap);
      return v.json;
    },
    peek(hallId) {
      return views.get(hallId)?.snap ?? null;
    },
    invalidate(hallId) {
      const v = views.get(hallId);
      if (v) v.forceRefresh = true;
    },
    accept(event) {
      const v = views.get(event.hallId);
      if (!v) return; // nobody here reads or watches this hall
      if (v.snap && event.seq <= v.snap.seq) return;
      v.pending.set(event.seq, event);
      drain(v);
    },
    notice(n) {
      if (n.kind === 'event') return this.accept(n.event);
      const v = views.get(n.hallId);
      if (!v) return;
      if (n.kind === 'large') {
        if (!v.snap || n.seq > v.snap.seq) scheduleGapRepair(v);
        return;
      }
      v.forceRefresh = true;
      if (v.snap && !v.building)
        rebuild(v, 'refresh').catch((err: unknown) =>
          deps.warn?.({ err, hallId: n.hallId }, 'hall view refresh failed'),
        );
    },
    feedResumed() {
      for (const v of views.values()) {
        v.forceRefresh = true;
        if (v.snap) scheduleGapRepair(v);
      }
    },
    onDelta(fn) {
      deltaListeners.push(fn);
    },
    stats() {
      let pendingEvents = 0;
      for (const v of views.values()) pendingEvents += v.pending.size;
      return { views: views.size, pendingEvents };
    },
    close() {
      clearInterval(tick);
      for (const v of views.values()) if (v.gapTimer) clearTimeout(v.gapTimer);
      views.clear();
    },
  };
}
