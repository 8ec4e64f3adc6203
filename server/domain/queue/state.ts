import { HallError } from '../../../contracts/index.ts';
import { hallDay } from '../hall-time.ts';
import { policyOf, windowById, type HallQueueConfig, type TicketClass, type WindowConfig } from './config.ts';
import type { QueueEvent } from './events.ts';

/**
 * The in-memory state of one hall day (001 §1.1.1.15–16), as plain
 * JSON-able data: times are ISO strings, maps are records. Operations never
 * change a state: they return a new one that shares what did not change
 * (copy-on-write), so the adapter can keep the old state on a refusal and
 * tests can freeze every state they hand in.
 */

/**
 * waiting   – in line (also after a skip-return, a re-activation or a transfer)
 * called    – called to a window, not yet at the desk
 * serving   – at the desk (start service)
 * done      – completed (办结) with an outcome
 * skipped   – no-show that returns to the line after N further calls of its queue
 * dropped   – no-show out of the line, or left unfinished at the end of the day
 *
 * A transfer keeps the ticket (same id, same number, same take time) and puts
 * it back to `waiting` in the target queue or for the target window, so there
 * is no separate 'transferred' status: the slip in the citizen's hand stays valid.
 */
export type TicketStatus = 'waiting' | 'called' | 'serving' | 'done' | 'skipped' | 'dropped';
export type Outcome = 'done' | 'refused' | 'incomplete';
export const OUTCOMES: readonly Outcome[] = ['done', 'refused', 'incomplete'];

export interface Ticket {
  readonly id: string;
  /** Shown number, prefix + counter of the issuing queue: A001. Kept through transfers. */
  readonly no: string;
  /** The counter value behind `no`; numbers restart at 1 each hall day per queue. */
  readonly n: number;
  /** Hall day (YYYY-MM-DD, hall time zone) the ticket was taken. */
  readonly day: string;
  /** Current queue (changes on a transfer to a queue). */
  readonly queueId: string;
  readonly itemCode: string;
  readonly class: TicketClass;
  /** Original take time; kept through skips, re-activation and transfers. */
  readonly takenAt: string;
  readonly status: TicketStatus;
  /** Set by a transfer to a window: only that window may call the ticket. */
  readonly targetWindowId?: string;
  /** Window that called the ticket last (holds it while called/serving). */
  readonly windowId?: string;
  readonly calledAt?: string;
  readonly startedAt?: string;
  readonly endedAt?: string;
  readonly outcome?: Outcome;
  /** Times the ticket was called (call next or chosen); recalls not included. */
  readonly calls: number;
  readonly recalls: number;
  readonly skipCount: number;
  readonly skippedAt?: string;
  /** Skip-return: the ticket returns once its queue's call counter reaches this value. */
  readonly returnAtQueueCall?: number;
  readonly reactivations: number;
  readonly transfers: number;
  readonly appointmentCode?: string;
  readonly dropReason?: 'no-show' | 'day-end';
}

export type WindowStatus = 'open' | 'paused' | 'closed';
export interface WindowState {
  readonly id: string;
  readonly status: WindowStatus;
  /** Ticket called to or served at this window now. */
  readonly current?: string;
  /** Completions today. */
  readonly served: number;
}

export interface HallDayState {
  readonly hallId: string;
  readonly day: string;
  /** Today's tickets by id, in take order. */
  readonly tickets: Readonly<Record<string, Ticket>>;
  /** Tickets issued today per queue: the counter behind the numbers. */
  readonly issued: Readonly<Record<string, number>>;
  /** Calls today per queue (call next and chosen, not recalls): the clock of skip-return. */
  readonly queueCalls: Readonly<Record<string, number>>;
  readonly windows: Readonly<Record<string, WindowState>>;
  /** Last `recentK` service times per queue in minutes, newest last; kept across days. */
  readonly recentServiceMin: Readonly<Record<string, readonly number[]>>;
}

export interface OpResult {
  readonly state: HallDayState;
  readonly events: readonly QueueEvent[];
}

/** A hall's first day: no tickets, every window closed until staff open it. */
export function initialState(config: HallQueueConfig, now: Date): HallDayState {
  const windows: Record<string, WindowState> = {};
  for (const w of config.windows) windows[w.id] = { id: w.id, status: 'closed', served: 0 };
  return {
    hallId: config.hallId,
    day: hallDay(now, config.tz),
    tickets: {},
    issued: {},
    queueCalls: {},
    windows,
    recentServiceMin: {},
  };
}

const UNFINISHED: ReadonlySet<TicketStatus> = new Set(['waiting', 'called', 'serving', 'skipped']);
export function isUnfinished(t: Ticket): boolean {
  return UNFINISHED.has(t.status);
}

/**
 * Starts a new hall day when `now` is on a later day than the state: numbers
 * restart at 001 per queue (001 §1.1.1.16), unfinished tickets of the old day
 * are dropped (`ticket.dropped`, reason day-end) and leave the state, windows
 * close until staff open them. Recent service times stay: they still describe
 * the queue. Same day: nothing changes. A `now` on an earlier day is refused.
 */
export function rollDay(state: HallDayState, now: Date, config: HallQueueConfig): OpResult {
  const day = hallDay(now, config.tz);
  if (day === state.day) return { state, events: [] };
  if (day < state.day)
    throw new HallError('HALL_ERR_CONFLICT', `time ${now.toISOString()} is before hall day ${state.day}`);
  const at = now.toISOString();
  const events: QueueEvent[] = [];
  for (const t of Object.values(state.tickets)) {
    if (isUnfinished(t))
      events.push({
        type: 'ticket.dropped',
        at,
        ticketId: t.id,
        ticketNo: t.no,
        queueId: t.queueId,
        reason: 'day-end',
      });
  }
  const windows: Record<string, WindowState> = {};
  for (const w of config.windows) windows[w.id] = { id: w.id, status: 'closed', served: 0 };
  events.push({ type: 'day.rolled', at, fromDay: state.day, toDay: day, dropped: events.length });
  return {
    state: {
      hallId: state.hallId,
      day,
      tickets: {},
      issued: {},
      queueCalls: {},
      windows,
      recentServiceMin: state.recentServiceMin,
    },
    events,
  };
}

/**
 * The live line: the state without the tickets no rule can touch any more —
 * done, dropped at day end, and no-show drops past the re-activation window
 * (a late comer may still re-activate a recent one, 过号恢复). The adapter
 * keeps only this in memory and loads only this from PostgreSQL, so the cost
 * of an operation follows the people in the hall, not the tickets issued
 * since morning (bench:ingest, docs/benchmarks.md). Finished tickets stay in
 * the database. Returns the same object when nothing is pruned. Pruning is
 * monotone: a ticket pruned once is pruned at every later time.
 */
export function liveState(state: HallDayState, now: Date, config: HallQueueConfig): HallDayState {
  const cutoff = now.getTime() - policyOf(config).reactivateWithinMin * 60_000;
  let kept: Record<string, Ticket> | null = null;
  for (const [id, t] of Object.entries(state.tickets)) {
    const gone =
      t.status === 'done' ||
      (t.status === 'dropped' &&
        (t.dropReason !== 'no-show' || t.skippedAt === undefined || Date.parse(t.skippedAt) < cutoff));
    if (gone && kept === null) {
      kept = {};
      for (const [id2, t2] of Object.entries(state.tickets)) {
        if (id2 === id) break;
        kept[id2] = t2;
      }
    } else if (!gone && kept !== null) {
      kept[id] = t;
    }
  }
  return kept === null ? state : { ...state, tickets: kept };
}

// ── look-ups that refuse with a code ─────────────────────────────────────────

export function ticketOf(state: HallDayState, ticketId: string): Ticket {
  const t = state.tickets[ticketId];
  if (!t) throw new HallError('HALL_ERR_NOT_FOUND', `no ticket ${ticketId} today`);
  return t;
}

/** Ticket numbers are unique in a hall day (prefixes are unique per hall). */
export function findTicketByNo(state: HallDayState, ticketNo: string): Ticket | undefined {
  return Object.values(state.tickets).find((t) => t.no === ticketNo);
}

export function windowOf(
  state: HallDayState,
  windowId: string,
  config: HallQueueConfig,
): { cfg: WindowConfig; st: WindowState } {
  const cfg = windowById(config, windowId);
  const st = state.windows[windowId];
  if (!cfg || !st) throw new HallError('HALL_ERR_NOT_FOUND', `no window ${windowId} in hall ${config.hallId}`);
  return { cfg, st };
}

/** The ticket a window holds now; refuses when it holds none or (given `ticketId`) another one. */
export function currentTicketOf(state: HallDayState, st: WindowState, ticketId?: string): Ticket {
  if (st.current === undefined) throw new HallError('HALL_ERR_CONFLICT', `window ${st.id} has no current ticket`);
  if (ticketId !== undefined && ticketId !== st.current) {
    throw new HallError('HALL_ERR_CONFLICT', `ticket ${ticketId} is not the current ticket of window ${st.id}`);
  }
  return ticketOf(state, st.current);
}

// ── copy-on-write helpers ─────────────────────────────────────────────────────

export function withTicket(state: HallDayState, t: Ticket): HallDayState {
  return { ...state, tickets: { ...state.tickets, [t.id]: t } };
}
export function withWindow(state: HallDayState, w: WindowState): HallDayState {
  return { ...state, windows: { ...state.windows, [w.id]: w } };
}
