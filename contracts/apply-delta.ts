// Shared by the wall (dashboard/src/live/hall-sync.ts) and each server process's hall views
// (server/queries/hall-views.ts): one set of delta rules on both sides of the socket.
import type { HallSnapshot } from './hall.ts';
import type { DomainEvent, HallDelta } from './socket.ts';

/**
 * Applies one `hall:delta` to a hall snapshot. Pure and Vue-free so the
 * sequencing rules (DESIGN.md principle 2: every event carries the hall's
 * `seq`) can be tested without a browser or a socket.
 *
 * Only type imports: they are erased, so the bundle carries no zod.
 *
 * The live wall: every queue event is applied so that the wall equals a
 * fresh snapshot taken at the same seq in everything a delta determines:
 * waiting / issued / last number per queue, each window's status, current
 * ticket and served count, the recent calls and tickets, and the pressure's
 * `waiting` and `openWindows`.
 *
 * A few figures are NOT determined by the deltas, and the wall does not guess
 * them: the wait range for a new ticket and the longest wait per queue, the
 * pressure's clearing time and level, the staff signed in at a window and the
 * queues a window serves now (SERVER_FIGURES below). They need the queues'
 * recent service times (a completion event carries a rounded time, the
 * engine keeps the exact one), the calling order with its starvation guard
 * (take times of tickets the events never name again), the time periods of
 * the window configuration and the window_staff table (staff sign-in is not
 * an event). Re-implementing those rules here would drift from the engine;
 * instead the wall asks the server for a fresh snapshot (`hall:resync`) after
 * such events, at most once every few seconds and once a minute in any case
 * (stores/hall-live.ts, SERVER_FIGURES_REFRESH_MS), and keeps the last server
 * value until it comes. Where a delta settles one of them exactly (nobody
 * waiting → no longest wait, clear; people waiting and no open window →
 * saturated) it is set at once.
 */

/** How many recent tickets the wall keeps (newest first). */
export const RECENT_TICKETS_MAX = 20;
/** How many calls the ticker keeps (newest first); server/store/halls-repo.ts reads the same number. */
export const RECENT_CALLS_MAX = 10;

export type DeltaOutcome =
  /** `seq` was the next one: here is the new state. */
  | { kind: 'applied'; state: HallSnapshot }
  /** Already contained in the state (redelivery, or sent while the snapshot was read). */
  | { kind: 'duplicate' }
  /** Deltas are missing between the state and this one: fetch a fresh snapshot. */
  | { kind: 'gap'; expected: number; received: number }
  /** Another hall's delta: never mix halls. */
  | { kind: 'foreign' };

export function applyDelta(state: HallSnapshot, delta: HallDelta): DeltaOutcome {
  if (delta.hallId !== state.hallId) return { kind: 'foreign' };
  if (delta.seq <= state.seq) return { kind: 'duplicate' };
  if (delta.seq !== state.seq + 1) return { kind: 'gap', expected: state.seq + 1, received: delta.seq };
  return { kind: 'applied', state: { ...applyEvent(state, delta.event), seq: delta.seq } };
}

type Queue = HallSnapshot['queues'][number];
type Win = HallSnapshot['windows'][number];
type EventOf<T extends DomainEvent['type']> = Extract<DomainEvent, { type: T }>;

/** Event types after which the server figures (see the header) may have changed: the wall refreshes them. */
const CHANGES_SERVER_FIGURES: ReadonlySet<string> = new Set([
  'ticket.issued',
  'ticket.called',
  'ticket.skipped',
  'ticket.returned',
  'ticket.reactivated',
  'ticket.dropped',
  'ticket.transferred',
  'ticket.untargeted',
  'ticket.completed',
  'window.opened',
  'window.paused',
  'window.resumed',
  'window.closed',
  'day.rolled',
]);

export function changesServerFigures(event: Pick<DomainEvent, 'type'>): boolean {
  return CHANGES_SERVER_FIGURES.has(event.type);
}

/**
 * The part of a snapshot that deltas determine exactly: what must be equal
 * between "snapshot + deltas" and a fresh snapshot at the same seq (the
 * tests compare this). Drops the server figures and the read time `at`.
 */
export function deltaExactPart(s: HallSnapshot): unknown {
  return {
    hallId: s.hallId,
    name: s.name,
    regionCode: s.regionCode,
    seq: s.seq,
    queues: s.queues.map(({ estimate: _e, longestWaitMin: _l, ...q }) => q),
    windows: s.windows.map(({ staff: _s, queuesNow: _q, ...w }) => w),
    devices: s.devices,
    recentTickets: s.recentTickets,
    recentCalls: s.recentCalls,
    pressure: { waiting: s.pressure.waiting, openWindows: s.pressure.openWindows },
  };
}

/**
 * The state after one event, leaving `seq` alone. Returns new objects only
 * along the changed path, so Vue watchers (the chart) see what changed.
 * Event types this dashboard does not know yet return the state unchanged:
 * the server may ship new events before the wall shows them.
 */
export function applyEvent(state: HallSnapshot, event: DomainEvent): HallSnapshot {
  const next = applyQueueOrDevice(state, event);
  if (next === state) return state;
  return { ...withPressure(next), at: event.at };
}

function applyQueueOrDevice(state: HallSnapshot, event: DomainEvent): HallSnapshot {
  switch (event.type) {
    case 'ticket.issued': {
      const d = event.data;
      // `waiting` in the event leaves out tickets transferred to a window (the slip's line); the wall's
      // count is every waiting ticket of the queue, so it moves by one.
      const queues = mapQueue(state, d.queueId, (q) => ({
        ...q,
        waiting: q.waiting + 1,
        issuedToday: d.issuedToday,
        lastTicketNo: d.ticketNo,
      }));
      const recentTickets = [
        { ticketNo: d.ticketNo, queueId: d.queueId, issuedAt: event.at },
        ...state.recentTickets,
      ].slice(0, RECENT_TICKETS_MAX);
      return { ...state, queues, recentTickets };
    }
    case 'ticket.called': {
      const d = event.data;
      // Only a waiting ticket is called (engine calling.ts).
      return {
        ...state,
        queues: mapQueue(state, d.queueId, (q) => ({ ...q, waiting: Math.max(0, q.waiting - 1) })),
        windows: mapWindow(state, d.windowId, (w) => ({ ...w, current: { ticketNo: d.ticketNo, status: 'called' } })),
        recentCalls: withCall(state, event, false),
      };
    }
    case 'ticket.recalled':
      return { ...state, recentCalls: withCall(state, event, true) };
    case 'service.started': {
      const d = event.data;
      return {
        ...state,
        windows: mapWindow(state, d.windowId, (w) =>
          w.current ? { ...w, current: { ticketNo: w.current.ticketNo, status: 'serving' } } : w,
        ),
      };
    }
    case 'ticket.skipped':
      // The called ticket leaves the window; it was not counted as waiting, and a no-show drop follows as ticket.dropped.
      return { ...state, windows: mapWindow(state, event.data.windowId, (w) => ({ ...w, current: null })) };
    case 'ticket.completed':
      return {
        ...state,
        windows: mapWindow(state, event.data.windowId, (w) => ({ ...w, current: null, served: w.served + 1 })),
      };
    case 'ticket.transferred': {
      const d = event.data;
      return {
        ...state,
        queues: mapQueue(state, d.toQueueId, (q) => ({ ...q, waiting: q.waiting + 1 })),
        windows: mapWindow(state, d.windowId, (w) => ({ ...w, current: null })),
        // The snapshot lists recent tickets with the queue they are in now.
        recentTickets: state.recentTickets.some((t) => t.ticketNo === d.ticketNo && t.queueId !== d.toQueueId)
          ? state.recentTickets.map((t) => (t.ticketNo === d.ticketNo ? { ...t, queueId: d.toQueueId } : t))
          : state.recentTickets,
      };
    }
    case 'ticket.returned':
    case 'ticket.reactivated':
      // A skipped (or no-show) ticket is back in line.
      return { ...state, queues: mapQueue(state, event.data.queueId, (q) => ({ ...q, waiting: q.waiting + 1 })) };
    case 'ticket.dropped':
      // A no-show drop follows its skip (not waiting); a day-end drop is followed by day.rolled, which clears the day.
      return { ...state };
    case 'ticket.untargeted':
      // Still waiting in the same queue, only no longer for one window.
      return { ...state };
    case 'case.opened':
    case 'rating.prompt':
      // Recorded for the case flow and the rater; nothing on the wall changes.
      return { ...state };
    case 'window.opened':
    case 'window.resumed':
      return windowStatus(state, event, 'open');
    case 'window.paused':
      return windowStatus(state, event, 'paused');
    case 'window.closed':
      return windowStatus(state, event, 'closed');
    case 'day.rolled':
      // A new hall day (engine rollDay): numbers restart, unfinished tickets are dropped, windows close.
      return {
        ...state,
        queues: state.queues.map((q) => ({ ...q, waiting: 0, issuedToday: 0, lastTicketNo: null })),
        windows: state.windows.map((w) => ({ ...w, status: 'closed', current: null, served: 0 })),
        recentTickets: [],
        recentCalls: [],
      };
    case 'device.online':
    case 'device.offline': {
      const online = event.type === 'device.online';
      const { deviceId, kind } = event.data;
      return {
        ...state,
        devices: upsertDevice(state, deviceId, kind, (d) => ({
          ...d,
          online,
          lastSeenAt: online ? event.at : d.lastSeenAt,
        })),
      };
    }
    case 'device.status': {
      const { deviceId, kind, status } = event.data;
      // Presence comes only from device.online/offline, as on the server, so the wall and a
      // fresh snapshot always agree.
      return {
        ...state,
        devices: upsertDevice(state, deviceId, kind, (d) => ({ ...d, status, lastSeenAt: event.at })),
      };
    }
    default:
      return state;
  }
}

function mapQueue(state: HallSnapshot, queueId: string, change: (q: Queue) => Queue): Queue[] {
  return state.queues.some((q) => q.id === queueId)
    ? state.queues.map((q) => (q.id === queueId ? change(q) : q))
    : state.queues;
}

function mapWindow(state: HallSnapshot, windowId: string, change: (w: Win) => Win): Win[] {
  return state.windows.some((w) => w.id === windowId)
    ? state.windows.map((w) => (w.id === windowId ? change(w) : w))
    : state.windows;
}

function windowStatus(
  state: HallSnapshot,
  event: EventOf<'window.opened'> | EventOf<'window.paused'> | EventOf<'window.resumed'> | EventOf<'window.closed'>,
  status: Win['status'],
): HallSnapshot {
  return { ...state, windows: mapWindow(state, event.data.windowId, (w) => ({ ...w, status })) };
}

function withCall(
  state: HallSnapshot,
  event: EventOf<'ticket.called'> | EventOf<'ticket.recalled'>,
  recall: boolean,
): HallSnapshot['recentCalls'] {
  return [
    { ticketNo: event.data.ticketNo, windowNo: event.data.windowNo, at: event.at, recall },
    ...state.recentCalls,
  ].slice(0, RECENT_CALLS_MAX);
}

/**
 * The pressure figures a delta settles (server/domain/queue/pressure.ts):
 * waiting = every waiting ticket, openWindows = open windows; nobody waiting
 * is 'clear' with no clearing time, people waiting with no open window is
 * 'saturated'. Otherwise the level needs service times: the last server value
 * stays until the refresh. Same for the longest wait of a queue nobody waits in.
 */
function withPressure(state: HallSnapshot): HallSnapshot {
  const waiting = state.queues.reduce((n, q) => n + q.waiting, 0);
  const openWindows = state.windows.filter((w) => w.status === 'open').length;
  const p = state.pressure;
  let pressure = p.waiting === waiting && p.openWindows === openWindows ? p : { ...p, waiting, openWindows };
  if (waiting === 0 && (pressure.level !== 'clear' || pressure.clearMin !== null))
    pressure = { ...pressure, clearMin: null, level: 'clear' };
  else if (waiting > 0 && openWindows === 0 && (pressure.level !== 'saturated' || pressure.clearMin !== null))
    pressure = { ...pressure, clearMin: null, level: 'saturated' };
  const queues = state.queues.some((q) => q.waiting === 0 && q.longestWaitMin !== null)
    ? state.queues.map((q) => (q.waiting === 0 && q.longestWaitMin !== null ? { ...q, longestWaitMin: null } : q))
    : state.queues;
  return pressure === p && queues === state.queues ? state : { ...state, pressure, queues };
}

type DeviceRow = HallSnapshot['devices'][number];

/** Updates a device row; a device registered after the snapshot was read gets a new row. */
function upsertDevice(
  state: HallSnapshot,
  id: string,
  kind: DeviceRow['kind'],
  change: (d: DeviceRow) => DeviceRow,
): DeviceRow[] {
  const i = state.devices.findIndex((d) => d.id === id);
  if (i < 0) return [...state.devices, change({ id, kind, online: false, lastSeenAt: null, status: null })];
  return state.devices.map((d, j) => (j === i ? change(d) : d));
}
