import { HallError } from '../../contracts/index.ts';
import type { PublicTicketResponse } from '../../contracts/console.ts';
import {
  callDisplay,
  estimateFor,
  queueById,
  windowById,
  type Ticket,
  type TicketStatus,
} from '../domain/queue/index.ts';
import type { QueueService, QueueView } from '../commands/queue-service.ts';
import type { Db } from '../store/pool.ts';

/**
 * The citizen's ticket page (/t/{ticketId}, the QR code on the slip; docs/console.md):
 * place in line, estimated wait, and a live 'please go to window 5'
 * notice. Public: the ticket id (a random uuid printed only on
 * the slip) is the capability, and the answer holds nothing personal — no ID
 * number, no name, not even masked.
 *
 * Today's tickets are answered from the live queue state (the same estimate
 * the wall and the slip use); a ticket of an earlier day from its row.
 */
interface TicketRow {
  hall_id: string;
  ticket_no: string;
  queue_id: string;
  status: TicketStatus;
  window_id: string | null;
}

/**
 * Which hall a ticket belongs to never changes: kept for the tickets asked about recently, so a
 * citizen polling every 5 s costs no query while the ticket is in the live state (docs/scaling.md).
 */
const HALL_OF_TICKET_MAX = 50_000;
const hallOfTicket = new Map<string, string>();

export async function publicTicket(
  deps: { db: Db; queue: QueueService },
  ticketId: string,
  now: Date,
): Promise<PublicTicketResponse> {
  const known = hallOfTicket.get(ticketId);
  if (known) {
    const view = await deps.queue.view(known);
    const live = view.state.tickets[ticketId];
    if (live) return answer(ticketId, view, live, undefined, now);
  }
  const r = await deps.db.query<TicketRow>({
    name: 'public-ticket-hall',
    text: 'SELECT hall_id, ticket_no, queue_id, status, window_id FROM tickets WHERE id = $1',
    values: [ticketId],
  });
  const row = r.rows[0];
  if (!row) throw new HallError('HALL_ERR_NOT_FOUND', 'no such ticket');
  hallOfTicket.delete(ticketId);
  hallOfTicket.set(ticketId, row.hall_id);
  if (hallOfTicket.size > HALL_OF_TICKET_MAX) hallOfTicket.delete(hallOfTicket.keys().next().value!);
  const view = await deps.queue.view(row.hall_id);
  return answer(ticketId, view, view.state.tickets[ticketId], row, now);
}

function answer(
  ticketId: string,
  view: QueueView,
  live: Ticket | undefined,
  row: TicketRow | undefined,
  now: Date,
): PublicTicketResponse {
  if (!live && !row) throw new HallError('HALL_ERR_NOT_FOUND', 'no such ticket');
  const queueId = live?.queueId ?? row!.queue_id;
  const status = live?.status ?? row!.status;
  const windowId = live?.windowId ?? row?.window_id ?? undefined;
  const atWindow =
    (status === 'called' || status === 'serving') && windowId !== undefined
      ? windowById(view.config, windowId)
      : undefined;
  const est = live && live.status === 'waiting' ? estimateFor(view.state, live, now, view.config) : null;
  return {
    ticketId,
    hallName: view.hallName,
    ticketNo: live?.no ?? row!.ticket_no,
    queueName: queueById(view.config, queueId)?.name ?? '',
    status,
    waitingAhead: est ? est.waitingAhead : null,
    estimate: est?.estimate ?? null,
    windowNo: atWindow?.no ?? null,
    callText: atWindow ? callDisplay(live?.no ?? row!.ticket_no, atWindow.no).text : null,
    at: now.toISOString(),
  };
}
