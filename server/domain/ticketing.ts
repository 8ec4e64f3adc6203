import { HallError } from '../../contracts/index.ts';
import { minuteOfDay, parseTimeOfDay } from './hall-time.ts';

/**
 * Pure rules of ticket taking (取号, 001 §1.1.1.15–16). server/domain/queue grows these into
 * the full queue engine; the foundation needs numbering, opening hours, the
 * daily cap and a first wait estimate for the slip.
 */
export interface QueueRule {
  id: string;
  prefix: string;
  dailyCap: number;
  openFrom: string;
  openTo: string;
}

/**
 * Ticket numbers restart daily per queue: prefix + at least three digits.
 * @example formatTicketNo('A', 7) // 'A007'
 */
export function formatTicketNo(prefix: string, n: number): string {
  return prefix + String(n).padStart(3, '0');
}

/** Refuses a ticket outside ticketing hours or past the daily cap (queue configuration, 001 §1.1.1.16). */
export function assertQueueTakesTickets(q: QueueRule, issuedToday: number, at: Date, tz: string): void {
  const m = minuteOfDay(at, tz);
  if (m < parseTimeOfDay(q.openFrom) || m >= parseTimeOfDay(q.openTo)) {
    throw new HallError('HALL_ERR_QUEUE_CLOSED', `queue ${q.prefix} takes tickets ${q.openFrom}–${q.openTo}`);
  }
  if (issuedToday >= q.dailyCap) {
    throw new HallError('HALL_ERR_QUEUE_CLOSED', `queue ${q.prefix} reached its daily cap of ${q.dailyCap}`);
  }
}

/**
 * First estimate of the wait printed on the slip: the people ahead share the
 * windows serving the queue, each taking the recent average service time.
 * The queue engine replaces this with a range from recent service times
 * (server/domain/queue/wait-estimate.ts).
 * @example estimateWaitMin(6, 2, 8) // 24
 */
export function estimateWaitMin(
  waitingAhead: number,
  servingWindows: number,
  avgServiceMin: number,
): number | undefined {
  if (servingWindows <= 0) return undefined;
  return Math.ceil((waitingAhead * avgServiceMin) / servingWindows);
}

/** Average minutes per service until the queue engine measures them per queue. */
export const DEFAULT_SERVICE_MIN = 8;
