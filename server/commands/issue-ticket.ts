import { randomUUID } from 'node:crypto';
import { HallError, type DomainEvent, type TicketIssued, type TicketRequest } from '../../contracts/index.ts';
import { queueById, type TicketClass } from '../domain/queue/index.ts';
import { maskIdNumber, maskName } from '../domain/masking.ts';
import type { Clock } from '../domain/clock.ts';
import type { PiiCipher } from '../security/pii.ts';
import type { Db } from '../store/pool.ts';
import type { DeviceIdentity } from '../store/devices-repo.ts';
import type { QueueService } from './queue-service.ts';

export interface CommandDeps {
  db: Db;
  clock: Clock;
  tz: string;
  pii: PiiCipher;
  queue: QueueService;
}
export interface CommandMeta {
  /** performance.now() when the message arrived (MQTT→socket latency). */ receivedAt?: number;
}
export type CommandResult =
  | { duplicate: false; replyType: string | null; reply: unknown; event: DomainEvent | null }
  | { duplicate: true; replyType: string | null; reply: unknown };

/** Where the citizen's phone opens the ticket page (the slip's QR code; docs/console.md). */
export const ticketPagePath = (ticketId: string) => `/t/${ticketId}`;

/**
 * `ticket.request` → a ticket (取号, 001 §1.1.1.15–16) through the queue engine
 * (queue-service.ts): one transaction with the hall's seq and an outbox event;
 * the reply is the slip (号票): number, queue, people ahead, the wait range and
 * the page behind the slip's QR code. Personal data is encrypted before the
 * transaction and only masked values reach the slip.
 *
 * The class is green channel (绿色通道) when the machine's green button was
 * used, appointment when an appointment code came with the request.
 */
export async function issueTicket(
  deps: CommandDeps,
  device: DeviceIdentity,
  msgId: string,
  req: TicketRequest,
  meta: CommandMeta = {},
): Promise<CommandResult> {
  // The machine's item set (docs/admin.md, migration 010): an item it does not offer is refused like an unknown one.
  if (device.itemCodes && !device.itemCodes.includes(req.itemCode))
    throw new HallError('HALL_ERR_UNKNOWN_ITEM', `item ${req.itemCode} is not offered at this ticket machine`);
  const idn = req.identity?.idNumber?.toUpperCase();
  const extras = {
    deviceId: device.deviceId,
    applicantKey: idn ? deps.pii.lookupKey(idn) : null,
    idNumberEnc: idn ? deps.pii.encrypt(idn) : null,
    nameEnc: req.identity?.name ? deps.pii.encrypt(req.identity.name) : null,
    phoneEnc: req.identity?.phone ? deps.pii.encrypt(req.identity.phone) : null,
  };
  const ticketId = randomUUID();
  const cls: Exclude<TicketClass, 'transferred-back'> = req.appointmentCode ? 'appointment' : (req.class ?? 'walk-in');
  const res = await deps.queue.run(
    device.hallId,
    {
      type: 'take',
      ticketId,
      itemCode: req.itemCode,
      class: cls,
      ...(req.appointmentCode ? { appointmentCode: req.appointmentCode } : {}),
    },
    {
      deviceId: device.deviceId,
      msgId,
      extras,
      ...(meta.receivedAt !== undefined ? { receivedAt: meta.receivedAt } : {}),
      reply(c) {
        const ev = c.events.find((e) => e.type === 'ticket.issued')!;
        const d = ev.data as {
          ticketNo: string;
          queueId: string;
          waitingAhead: number;
          estimate: { lowMin: number; highMin: number } | null;
          class: TicketClass;
        };
        const q = queueById(c.config, d.queueId)!;
        const dep = c.config.departments.find((x) => x.id === q.departmentId);
        const reply: TicketIssued = {
          ticketId,
          ticketNo: d.ticketNo,
          queue: { id: q.id, name: q.name, prefix: q.prefix },
          hallName: c.hallName,
          ...(dep ? { department: dep.name } : {}),
          waitingAhead: d.waitingAhead,
          ...(d.estimate
            ? { estimatedWaitMin: Math.round((d.estimate.lowMin + d.estimate.highMin) / 2), estimatedWait: d.estimate }
            : {}),
          class: d.class,
          ticketPage: ticketPagePath(ticketId),
          ...(idn ? { idNumberMasked: maskIdNumber(idn) } : {}),
          ...(req.identity?.name ? { nameMasked: maskName(req.identity.name) } : {}),
          issuedAt: ev.at,
          seq: ev.seq,
        };
        return { replyType: 'ticket.issued', reply };
      },
    },
  );
  if (res.duplicate) return res;
  // Sockets get the events from the queue service's commit listener (REST and MQTT alike).
  return { duplicate: false, replyType: res.replyType, reply: res.reply, event: null };
}
