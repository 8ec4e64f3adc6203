import { randomUUID } from 'node:crypto';
import { HallError, type TicketIssued, type TicketRequest, type DomainEvent } from '../../contracts/index.ts';
import { formatTicketNo, assertQueueTakesTickets, estimateWaitMin, DEFAULT_SERVICE_MIN } from '../domain/ticketing.ts';
import { hallDay } from '../domain/hall-time.ts';
import { maskIdNumber, maskName } from '../domain/masking.ts';
import type { Clock } from '../domain/clock.ts';
import type { PiiCipher } from '../security/pii.ts';
import { withTx, type Db } from '../store/pool.ts';
import { claimMessage, findReply } from '../store/inbox-repo.ts';
import { eventOf, takeHallSeq, writeOutboxAndReply } from '../store/outbox-repo.ts';
import type { DeviceIdentity } from '../store/devices-repo.ts';

export interface CommandDeps { db: Db; clock: Clock; tz: string; pii: PiiCipher }
export type CommandResult =
  | { duplicate: false; replyType: string; reply: unknown; event: DomainEvent }
  | { duplicate: true; replyType: string | null; reply: unknown };

/**
 * `ticket.request` → a ticket (取号, 001 §1.1.1.15–16), in ONE transaction:
 * claim the message id, number the ticket from the queue's daily counter,
 * take the hall's next seq, store the ticket with its personal data
 * encrypted, write the outbox event and keep the reply for redeliveries.
 *
 * Lock order is queue counter, then hall row. The hall row serialises every
 * writer of a hall (the seq), so as little as possible happens after it:
 * the item is read before the transaction, and the ticket, the count and
 * the outbox + inbox writes are two statements (docs/benchmarks.md). The
 * count runs in a statement AFTER the hall lock so that its snapshot sees
 * everything committed under lower seqs.
 */
export async function issueTicket(deps: CommandDeps, device: DeviceIdentity, msgId: string, req: TicketRequest): Promise<CommandResult> {
  const at = deps.clock.now();
  const day = hallDay(at, deps.tz);
  // Configuration, not state: read outside the transaction and its locks.
  const it = await deps.db.query<ItemRow>({ name: 'ticket-item', text: ITEM_SQL, values: [device.hallId, req.itemCode] });
  const item = it.rows[0];
  if (!item) {
    // An unknown item on a redelivery still answers with the first reply.
    const dup = await findReply(deps.db, device.deviceId, msgId);
    if (dup) return { duplicate: true, replyType: dup.replyType, reply: dup.reply };
    throw new HallError('HALL_ERR_UNKNOWN_ITEM', `item ${req.itemCode} is not offered in hall ${device.hallId}`);
  }
  const idn = req.identity?.idNumber?.toUpperCase();
  const applicantKey = idn ? deps.pii.lookupKey(idn) : null;
  const enc = [idn ? deps.pii.encrypt(idn) : null,
    req.identity?.name ? deps.pii.encrypt(req.identity.name) : null,
    req.identity?.phone ? deps.pii.encrypt(req.identity.phone) : null];
  const ticketId = randomUUID();

  return withTx(deps.db, async (tx) => {
    const claim = await claimMessage(tx, device.deviceId, msgId);
    if (!claim.fresh) return { duplicate: true, replyType: claim.replyType, reply: claim.reply };

    const counter = await tx.query<{ last_no: number }>({ name: 'ticket-counter', text: COUNTER_SQL, values: [item.queue_id, day] });
    const n = counter.rows[0]!.last_no;
    assertQueueTakesTickets({ id: item.queue_id, prefix: item.prefix, dailyCap: item.daily_cap, openFrom: item.open_from, openTo: item.open_to }, n - 1, at, deps.tz);
    const ticketNo = formatTicketNo(item.prefix, n);

    const seq = await takeHallSeq(tx, device.hallId);
    const ins = await tx.query<{ waiting: number }>({
      name: 'ticket-insert', text: INSERT_SQL,
      values: [ticketId, device.hallId, item.queue_id, req.itemCode, day, ticketNo, at, device.deviceId, seq, applicantKey, ...enc],
    });
    // The CTE's count cannot see the row it inserts: add it.
    const waiting = ins.rows[0]!.waiting + 1;
    const waitingAhead = waiting - 1;

    const event = eventOf(device.hallId, seq, at, {
      type: 'ticket.issued',
      data: { ticketId, ticketNo, queueId: item.queue_id, itemCode: req.itemCode, deviceId: device.deviceId, waiting, issuedToday: n, applicantKey },
    });
    const est = estimateWaitMin(waitingAhead, item.windows, DEFAULT_SERVICE_MIN);
    const reply: TicketIssued = {
      ticketId, ticketNo, queue: { id: item.queue_id, name: item.qname, prefix: item.prefix },
      hallName: item.hall_name, department: item.department, waitingAhead,
      ...(est === undefined ? {} : { estimatedWaitMin: est }),
      ...(idn ? { idNumberMasked: maskIdNumber(idn) } : {}),
      ...(req.identity?.name ? { nameMasked: maskName(req.identity.name) } : {}),
      issuedAt: at.toISOString(), seq,
    };
    await writeOutboxAndReply(tx, event, at, { deviceId: device.deviceId, msgId, replyType: 'ticket.issued', reply });
    return { duplicate: false, replyType: 'ticket.issued', reply, event };
  });
}

interface ItemRow { queue_id: string; prefix: string; qname: string; daily_cap: number; open_from: string; open_to: string; hall_name: string; department: string; windows: number }

const ITEM_SQL = `SELECT q.id AS queue_id, q.prefix, q.name AS qname, q.daily_cap, q.open_from::text, q.open_to::text, h.name AS hall_name, d.name AS department,
    (SELECT count(*)::int FROM window_queues wq WHERE wq.queue_id = q.id) AS windows
  FROM items i JOIN queues q ON q.id = i.queue_id JOIN halls h ON h.id = i.hall_id JOIN departments d ON d.id = i.department_id
  WHERE i.hall_id = $1 AND i.code = $2`;

const COUNTER_SQL = `INSERT INTO queue_counters (queue_id, day, last_no) VALUES ($1, $2, 1)
  ON CONFLICT (queue_id, day) DO UPDATE SET last_no = queue_counters.last_no + 1 RETURNING last_no`;

const INSERT_SQL = `WITH t AS (
    INSERT INTO tickets (id, hall_id, queue_id, item_code, day, ticket_no, issued_at, device_id, seq, applicant_key, id_number_enc, name_enc, phone_enc)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING 1)
  SELECT (SELECT count(*)::int FROM tickets WHERE queue_id = $3 AND day = $5 AND status = 'waiting') AS waiting FROM t`;
