import { HallError } from '../../../contracts/index.ts';
import { assertQueueTakesTickets, formatTicketNo } from '../ticketing.ts';
import type { TakeCommand } from './commands.ts';
import { queueOfItem, type HallQueueConfig } from './config.ts';
import { withTicket, type HallDayState, type OpResult, type Ticket } from './state.ts';
import { step } from './step.ts';
import { estimateFor } from './wait-estimate.ts';

const TAKEABLE = new Set(['walk-in', 'appointment', 'green']);

/**
 * Take a ticket (取号, 001 §1.1.1.15–16) by service item: the item's queue
 * numbers it prefix + next counter value of the hall day (A001…, restarting
 * each hall day), inside ticketing hours and under the daily cap
 * (HALL_ERR_QUEUE_CLOSED, ticketing.ts). The event carries what the slip
 * prints: people waiting ahead (前面等候人数) and the wait range.
 *
 * Refusals: unknown item → HALL_ERR_UNKNOWN_ITEM; a ticket id already used →
 * HALL_ERR_CONFLICT; class 'transferred-back' or an empty id → HALL_ERR_BAD_DATA.
 */
export function takeTicket(state: HallDayState, cmd: TakeCommand, now: Date, config: HallQueueConfig): OpResult {
  return step(state, now, config, (s) => {
    const cls = cmd.class ?? 'walk-in';
    if (!TAKEABLE.has(cls)) throw new HallError('HALL_ERR_BAD_DATA', `a ticket cannot be taken as ${cls}`);
    if (!cmd.ticketId) throw new HallError('HALL_ERR_BAD_DATA', 'ticket id is empty');
    if (s.tickets[cmd.ticketId]) throw new HallError('HALL_ERR_CONFLICT', `ticket id ${cmd.ticketId} is already used`);
    const q = queueOfItem(config, cmd.itemCode);
    if (!q)
      throw new HallError('HALL_ERR_UNKNOWN_ITEM', `item ${cmd.itemCode} is not offered in hall ${config.hallId}`);
    const issuedToday = s.issued[q.id] ?? 0;
    assertQueueTakesTickets(q, issuedToday, now, config.tz);
    const n = issuedToday + 1;
    const at = now.toISOString();
    const ticket: Ticket = {
      id: cmd.ticketId,
      no: formatTicketNo(q.prefix, n),
      n,
      day: s.day,
      queueId: q.id,
      itemCode: cmd.itemCode,
      class: cls,
      takenAt: at,
      status: 'waiting',
      calls: 0,
      recalls: 0,
      skipCount: 0,
      reactivations: 0,
      transfers: 0,
      ...(cmd.appointmentCode !== undefined ? { appointmentCode: cmd.appointmentCode } : {}),
    };
    const next = { ...withTicket(s, ticket), issued: { ...s.issued, [q.id]: n } };
    const est = estimateFor(next, ticket, now, config);
    let waiting = 0;
    for (const id in next.tickets) {
      const t = next.tickets[id]!;
      if (t.status === 'waiting' && t.queueId === q.id && t.targetWindowId === undefined) waiting++;
    }
    return {
      state: next,
      events: [
        {
          type: 'ticket.issued',
          at,
          ticketId: ticket.id,
          ticketNo: ticket.no,
          queueId: q.id,
          itemCode: cmd.itemCode,
          class: cls,
          issuedToday: n,
          waiting,
          waitingAhead: est.waitingAhead,
          estimate: est.estimate,
        },
      ],
    };
  });
}
