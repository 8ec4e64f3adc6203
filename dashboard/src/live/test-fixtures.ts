import type { HallSnapshot } from '@contracts/hall.ts';
import type { DomainEvent, HallDelta } from '@contracts/socket.ts';

/** A small hall for the live-state tests: two queues, a ticket machine and a caller. */
export function snapshot(seq = 10, hallId = 'h1'): HallSnapshot {
  return {
    hallId,
    name: '市民中心',
    regionCode: '330100',
    seq,
    queues: [
      {
        id: 'q-a',
        name: '社保',
        prefix: 'A',
        waiting: 3,
        issuedToday: 12,
        lastTicketNo: 'A012',
        estimate: { lowMin: 10, highMin: 30 },
        longestWaitMin: 25,
      },
      {
        id: 'q-b',
        name: '不动产',
        prefix: 'B',
        waiting: 0,
        issuedToday: 0,
        lastTicketNo: null,
        estimate: null,
        longestWaitMin: null,
      },
    ],
    windows: [
      {
        id: 'w1',
        no: '1',
        name: '1号窗口',
        queueIds: ['q-a'],
        status: 'open',
        current: null,
        served: 4,
        staff: 'staff-east',
        queuesNow: ['q-a'],
      },
      {
        id: 'w2',
        no: '2',
        name: '2号窗口',
        queueIds: ['q-a', 'q-b'],
        status: 'closed',
        current: null,
        served: 0,
        staff: null,
        queuesNow: ['q-a', 'q-b'],
      },
    ],
    devices: [
      { id: 't1', kind: 'ticketer', online: true, lastSeenAt: '2025-01-06T01:00:00.000Z', status: { paper: 'ok' } },
      { id: 'c1', kind: 'caller', online: false, lastSeenAt: null, status: null },
    ],
    recentTickets: [{ ticketNo: 'A012', queueId: 'q-a', issuedAt: '2025-01-06T01:00:00.000Z' }],
    recentCalls: [{ ticketNo: 'A009', windowNo: '1', at: '2025-01-06T00:58:00.000Z', recall: false }],
    pressure: { waiting: 3, openWindows: 1, clearMin: 15, level: 'normal' },
    at: '2025-01-06T01:00:00.000Z',
  };
}

export function at(seq: number): string {
  return new Date(Date.UTC(2025, 0, 6, 2, 0, seq)).toISOString();
}

export function ticketIssued(
  seq: number,
  ticketNo: string,
  queueId = 'q-a',
  waiting = 4,
  issuedToday = 13,
  hallId = 'h1',
): HallDelta {
  const event: DomainEvent = {
    hallId,
    seq,
    at: at(seq),
    type: 'ticket.issued',
    data: {
      ticketId: `tk-${seq}`,
      ticketNo,
      queueId,
      itemCode: 'ITEM-1',
      deviceId: 't1',
      waiting,
      issuedToday,
      applicantKey: null,
    },
  };
  return { hallId, seq, event };
}

export function deviceEvent(
  seq: number,
  type: 'device.online' | 'device.offline',
  deviceId: string,
  kind: 'ticketer' | 'caller' = 'caller',
): HallDelta {
  return { hallId: 'h1', seq, event: { hallId: 'h1', seq, at: at(seq), type, data: { deviceId, kind } } };
}

export function deviceStatus(seq: number, deviceId: string, status: Record<string, unknown>): HallDelta {
  return {
    hallId: 'h1',
    seq,
    event: { hallId: 'h1', seq, at: at(seq), type: 'device.status', data: { deviceId, kind: 'ticketer', status } },
  };
}

type QueueEventType = Exclude<
  DomainEvent['type'],
  'ticket.issued' | 'device.online' | 'device.offline' | 'device.status'
>;

/**
 * A queue event (contracts/queue-events.ts) as the server sends it; `data` is
 * checked against the event's type, so a fixture cannot drift from the contract.
 */
export function queueEvent<T extends QueueEventType>(
  seq: number,
  type: T,
  data: Extract<DomainEvent, { type: T }>['data'],
  hallId = 'h1',
): HallDelta {
  return { hallId, seq, event: { hallId, seq, at: at(seq), type, data } as DomainEvent };
}

/** ticket.issued as the queue engine sends it: class, people ahead and the slip's wait range. */
export function ticketTaken(
  seq: number,
  ticketNo: string,
  queueId: string,
  issuedToday: number,
  waitingAhead: number,
): HallDelta {
  const event: DomainEvent = {
    hallId: 'h1',
    seq,
    at: at(seq),
    type: 'ticket.issued',
    data: {
      ticketId: `id-${ticketNo}`,
      ticketNo,
      queueId,
      itemCode: 'ITEM-1',
      deviceId: 't1',
      waiting: waitingAhead + 1,
      issuedToday,
      applicantKey: null,
      class: 'walk-in',
      waitingAhead,
      estimate: { lowMin: waitingAhead * 5, highMin: (waitingAhead + 1) * 8 },
    },
  };
  return { hallId: 'h1', seq, event };
}

export const display = (ticketNo: string, windowNo: string) => ({
  text: `请${ticketNo}号到${windowNo}号窗口办理`,
  voice: `请${ticketNo}号到${windowNo}号窗口办理`,
});
