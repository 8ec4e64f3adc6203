import { HallError } from '../../../contracts/index.ts';
import { activeQueuesOf, policyOf, type HallQueueConfig } from './config.ts';
import type { Estimate } from './events.ts';
import { candidateOf, compareCandidates, type Candidate } from './pick-next.ts';
import type { HallDayState, Ticket } from './state.ts';

/**
 * Estimated wait per ticket as a range (the slip's 前面等候人数,
 * DOMAIN.md "Queue and calling"), recomputed from the state whenever the hall
 * changes:
 *
 *   waitingAhead = waiting tickets of the same line that the calling rule puts
 *                  first (same queue, not transferred to a window; or the same
 *                  target window), by class, starvation and take time;
 *   capacity     = Σ over OPEN windows serving the queue now of
 *                  weight(queue) / Σ weights of that window's active queues
 *                  (the share of the window the queue gets); a ticket
 *                  transferred to a window has capacity 1 while it is open;
 *   service time = median and 80th percentile of the queue's last K service
 *                  times; with none yet, policy.defaultServiceMin and 1.5 × it;
 *   lowMin       = floor(waitingAhead × median / capacity)
 *   highMin      = ceil((waitingAhead + 1) × p80 / capacity)   (+1: the desks are busy now)
 *
 * No open window serving the line → no estimate (null): nobody can say.
 */

export interface ServiceStats {
  readonly medianMin: number;
  readonly p80Min: number;
  readonly samples: number;
}
export interface WaitEstimate {
  readonly ticketId: string;
  readonly ticketNo: string;
  readonly queueId: string;
  readonly waitingAhead: number;
  readonly capacity: number;
  readonly estimate: Estimate | null;
  readonly basis: ServiceStats;
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

export function serviceStats(samples: readonly number[], defaultMin: number): ServiceStats {
  if (samples.length === 0) return { medianMin: defaultMin, p80Min: defaultMin * 1.5, samples: 0 };
  const s = [...samples].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const medianMin = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { medianMin, p80Min: percentile(s, 0.8), samples: s.length };
}

/** Windows' worth of service the queue gets now (open windows only, by weight share). */
export function queueCapacity(state: HallDayState, queueId: string, now: Date, config: HallQueueConfig): number {
  let capacity = 0;
  for (const w of config.windows) {
    if (state.windows[w.id]?.status !== 'open') continue;
    const active = activeQueuesOf(w, now, config.tz);
    const mine = active.find((q) => q.queueId === queueId);
    if (!mine) continue;
    capacity += mine.weight / active.reduce((sum, q) => sum + q.weight, 0);
  }
  return capacity;
}

function sameLine(a: Ticket, b: Ticket): boolean {
  return a.targetWindowId === undefined
    ? b.targetWindowId === undefined && b.queueId === a.queueId
    : b.targetWindowId === a.targetWindowId;
}

/** Waiting tickets of the ticket's line that come before it. */
export function waitingAheadOf(state: HallDayState, ticket: Ticket, now: Date, config: HallQueueConfig): number {
  const policy = policyOf(config);
  const me = candidateOf(ticket, 1, now, policy);
  let ahead = 0;
  for (const id in state.tickets) {
    const t = state.tickets[id]!;
    if (t.id === ticket.id || t.status !== 'waiting' || !sameLine(ticket, t)) continue;
    if (compareCandidates(candidateOf(t, 1, now, policy), me) < 0) ahead++;
  }
  return ahead;
}

function estimateOf(ticket: Ticket, waitingAhead: number, capacity: number, basis: ServiceStats): WaitEstimate {
  const estimate =
    capacity > 0
      ? {
          lowMin: Math.floor((waitingAhead * basis.medianMin) / capacity),
          highMin: Math.ceil(((waitingAhead + 1) * basis.p80Min) / capacity),
        }
      : null;
  return { ticketId: ticket.id, ticketNo: ticket.no, queueId: ticket.queueId, waitingAhead, capacity, estimate, basis };
}

function capacityOf(state: HallDayState, ticket: Ticket, now: Date, config: HallQueueConfig): number {
  return ticket.targetWindowId !== undefined
    ? state.windows[ticket.targetWindowId]?.status === 'open'
      ? 1
      : 0
    : queueCapacity(state, ticket.queueId, now, config);
}

/** Estimate for a ticket as if it were waiting in its line now. */
export function estimateFor(state: HallDayState, ticket: Ticket, now: Date, config: HallQueueConfig): WaitEstimate {
  const basis = serviceStats(state.recentServiceMin[ticket.queueId] ?? [], policyOf(config).defaultServiceMin);
  return estimateOf(ticket, waitingAheadOf(state, ticket, now, config), capacityOf(state, ticket, now, config), basis);
}

/** Estimate for one waiting ticket; refuses a ticket that is not waiting. */
export function estimateWait(state: HallDayState, ticketId: string, now: Date, config: HallQueueConfig): WaitEstimate {
  const t = state.tickets[ticketId];
  if (!t) throw new HallError('HALL_ERR_NOT_FOUND', `no ticket ${ticketId} today`);
  if (t.status !== 'waiting') throw new HallError('HALL_ERR_CONFLICT', `ticket ${t.no} is ${t.status}, not waiting`);
  return estimateFor(state, t, now, config);
}

/**
 * Estimates for every waiting ticket, in take order: what the wall and the
 * slips show after a change. Sorts each line once (the order is total, so a
 * ticket's index in its line is the number ahead of it).
 */
export function estimateAll(state: HallDayState, now: Date, config: HallQueueConfig): WaitEstimate[] {
  const policy = policyOf(config);
  const lines = new Map<string, Candidate[]>();
  const waiting = Object.values(state.tickets).filter((t) => t.status === 'waiting');
  for (const t of waiting) {
    const key = t.targetWindowId !== undefined ? `w:${t.targetWindowId}` : `q:${t.queueId}`;
    const line = lines.get(key) ?? [];
    line.push(candidateOf(t, 1, now, policy));
    lines.set(key, line);
  }
  const ahead = new Map<string, number>();
  for (const line of lines.values()) line.sort(compareCandidates).forEach((c, i) => ahead.set(c.ticket.id, i));
  const capacity = new Map<string, number>();
  const basis = new Map<string, ServiceStats>();
  return waiting.map((t) => {
    const key = t.targetWindowId !== undefined ? `w:${t.targetWindowId}` : `q:${t.queueId}`;
    if (!capacity.has(key)) capacity.set(key, capacityOf(state, t, now, config));
    if (!basis.has(t.queueId))
      basis.set(t.queueId, serviceStats(state.recentServiceMin[t.queueId] ?? [], policy.defaultServiceMin));
    return estimateOf(t, ahead.get(t.id)!, capacity.get(key)!, basis.get(t.queueId)!);
  });
}
