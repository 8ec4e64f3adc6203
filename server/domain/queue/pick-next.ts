import { activeQueuesOf, policyOf, windowById, type CallingPolicy, type HallQueueConfig } from './config.ts';
import type { QueueEvent } from './events.ts';
import type { HallDayState, OpResult, Ticket } from './state.ts';

/**
 * The calling rule (叫号, 001 §1.1.1.16): calling picks by class
 * priority, then by weighted waiting time across the window's queues, with a
 * starvation guard. A window at `now` may call:
 *
 *   - waiting tickets of the queues its current time period serves, that are
 *     not transferred to a particular window, and
 *   - waiting tickets transferred to this window (whatever their queue).
 *
 * They are ordered by
 *   1. class priority (policy.classPriority, default green > appointment >
 *      transferred-back > walk-in); classes never mix: a starving walk-in still
 *      comes after every waiting green ticket;
 *   2. within a class, starving tickets first (waited ≥ starvationMin since the
 *      ORIGINAL take time) — they "rise to the front of their class" — and among
 *      them the longest-waiting first (take time), weights do not apply;
 *   3. the others by weighted waiting time, waited minutes × the window's weight
 *      for the ticket's queue, highest first (a ticket transferred to the window
 *      counts with the highest weight the window has now, or 1 when it serves
 *      nothing now);
 *   4. ties: earlier take time, then the lower counter value (A002 after C001
 *      when taken in the same millisecond), then the number text, then the id.
 */

export interface Candidate {
  readonly ticket: Ticket;
  /** Index in the class priority: lower is called first. */
  readonly rank: number;
  readonly weight: number;
  readonly waitedMin: number;
  readonly starving: boolean;
  readonly weightedWait: number;
  /** Take time in ms, parsed once: comparisons run n log n times per sort. */
  readonly takenMs: number;
}

export function candidateOf(ticket: Ticket, weight: number, now: Date, policy: CallingPolicy): Candidate {
  const takenMs = Date.parse(ticket.takenAt);
  const waitedMin = Math.max(0, (now.getTime() - takenMs) / 60_000);
  const rank = policy.classPriority.indexOf(ticket.class);
  return {
    ticket,
    rank: rank < 0 ? policy.classPriority.length : rank,
    weight,
    waitedMin,
    starving: waitedMin >= policy.starvationMin,
    weightedWait: waitedMin * weight,
    takenMs,
  };
}

export function compareCandidates(a: Candidate, b: Candidate): number {
  if (a.rank !== b.rank) return a.rank - b.rank;
  if (a.starving !== b.starving) return a.starving ? -1 : 1;
  if (!a.starving && a.weightedWait !== b.weightedWait) return b.weightedWait - a.weightedWait;
  if (a.takenMs !== b.takenMs) return a.takenMs - b.takenMs;
  if (a.ticket.n !== b.ticket.n) return a.ticket.n - b.ticket.n;
  if (a.ticket.no !== b.ticket.no) return a.ticket.no < b.ticket.no ? -1 : 1;
  return a.ticket.id < b.ticket.id ? -1 : a.ticket.id > b.ticket.id ? 1 : 0;
}

/** Whether `windowId` may call this waiting ticket at `now` (its active queues or a transfer to it). */
export function callableBy(ticket: Ticket, windowId: string, now: Date, config: HallQueueConfig): boolean {
  if (ticket.status !== 'waiting') return false;
  if (ticket.targetWindowId !== undefined) return ticket.targetWindowId === windowId;
  const w = windowById(config, windowId);
  return !!w && activeQueuesOf(w, now, config.tz).some((q) => q.queueId === ticket.queueId);
}

/** Every ticket the window may call now, best first. */
export function callOrderFor(state: HallDayState, windowId: string, now: Date, config: HallQueueConfig): Candidate[] {
  return candidatesFor(state, windowId, now, config).sort(compareCandidates);
}

/** The tickets the window may call now, unordered. */
function candidatesFor(state: HallDayState, windowId: string, now: Date, config: HallQueueConfig): Candidate[] {
  const w = windowById(config, windowId);
  if (!w) return [];
  const policy = policyOf(config);
  const weights = new Map(activeQueuesOf(w, now, config.tz).map((q) => [q.queueId, q.weight]));
  const targetWeight = weights.size > 0 ? Math.max(...weights.values()) : 1;
  const out: Candidate[] = [];
  for (const t of Object.values(state.tickets)) {
    if (t.status !== 'waiting') continue;
    if (t.targetWindowId !== undefined) {
      if (t.targetWindowId === windowId) out.push(candidateOf(t, weights.get(t.queueId) ?? targetWeight, now, policy));
    } else {
      const wt = weights.get(t.queueId);
      if (wt !== undefined) out.push(candidateOf(t, wt, now, policy));
    }
  }
  return out;
}

/** The ticket call-next gives this window now, or null when nobody it serves is waiting (the first of callOrderFor, found in one pass). */
export function pickNext(state: HallDayState, windowId: string, now: Date, config: HallQueueConfig): Ticket | null {
  let best: Candidate | null = null;
  for (const c of candidatesFor(state, windowId, now, config))
    if (best === null || compareCandidates(c, best) < 0) best = c;
  return best?.ticket ?? null;
}

// ── skip-return ───────────────────────────────────────────────────────────────

/**
 * Skip-return rule (过号, policy.skip.mode 'return'): a skipped ticket goes back
 * to `waiting` once N further tickets of its queue have been called since the
 * skip (the queue's call counter reached `returnAtQueueCall`; recalls do not
 * count, calls from any window do), OR as soon as no ticket of its queue is
 * waiting for the queue (transfers to a window not counted) — fewer than N
 * are left to go first, so it is next, and it cannot be stuck behind calls
 * that will never come. It keeps its class and original take time, so it
 * usually comes back at the front of its class.
 */
export function returnIsDue(state: HallDayState, t: Ticket): boolean {
  if (t.status !== 'skipped' || t.returnAtQueueCall === undefined) return false;
  if ((state.queueCalls[t.queueId] ?? 0) >= t.returnAtQueueCall) return true;
  return !Object.values(state.tickets).some(
    (o) => o.status === 'waiting' && o.queueId === t.queueId && o.targetWindowId === undefined,
  );
}

/** Puts every skipped ticket whose return is due back in line (`ticket.returned`). */
export function releaseDueReturns(state: HallDayState, now: Date): OpResult {
  // Runs at the end of every operation: one pass without allocating, the rule only for skipped tickets.
  let due: Ticket[] | null = null;
  for (const id in state.tickets) {
    const t = state.tickets[id]!;
    if (t.status === 'skipped' && returnIsDue(state, t)) (due ??= []).push(t);
  }
  if (due === null) return { state, events: [] };
  const tickets = { ...state.tickets };
  const events: QueueEvent[] = [];
  const at = now.toISOString();
  for (const t of due) {
    const { returnAtQueueCall: _r, ...rest } = t;
    tickets[t.id] = { ...rest, status: 'waiting' };
    events.push({ type: 'ticket.returned', at, ticketId: t.id, ticketNo: t.no, queueId: t.queueId });
  }
  return { state: { ...state, tickets }, events };
}
