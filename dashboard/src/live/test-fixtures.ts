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
      { id: 'q-a', name: '社保', prefix: 'A', waiting: 3, issuedToday: 12, lastTicketNo: 'A012' },
      { id: 'q-b', name: '不动产', prefix: 'B', waiting: 0, issuedToday: 0, lastTicketNo: null },
    ],
    windows: [{ id: 'w1', no: '1', name: '1号窗口', queueIds: ['q-a'] }],
    devices: [
      { id: 't1', kind: 'ticketer', online: true, lastSeenAt: '2025-01-06T01:00:00.000Z', status: { paper: 'ok' } },
      { id: 'c1', kind: 'caller', online: false, lastSeenAt: null, status: null },
    ],
    recentTickets: [{ ticketNo: 'A012', queueId: 'q-a', issuedAt: '2025-01-06T01:00:00.000Z' }],
    at: '2025-01-06T01:00:00.000Z',
  };
}

export function at(seq: number): string {
  return new Date(Date.UTC(2025, 0, 6, 2, 0, seq)).toISOString();
}

export function ticketIssued(seq: number, ticketNo: string, queueId = 'q-a', waiting = 4, issuedToday = 13, hallId = 'h1'): HallDelta {
  const event: DomainEvent = {
    hallId, seq, at: at(seq), type: 'ticket.issued',
    data: { ticketId: `tk-${seq}`, ticketNo, queueId, itemCode: 'ITEM-1', deviceId: 't1', waiting, issuedToday, applicantKey: null },
  };
  return { hallId, seq, event };
}

export function deviceEvent(seq: number, type: 'device.online' | 'device.offline', deviceId: string, kind: 'ticketer' | 'caller' = 'caller'): HallDelta {
  return { hallId: 'h1', seq, event: { hallId: 'h1', seq, at: at(seq), type, data: { deviceId, kind } } };
}

export function deviceStatus(seq: number, deviceId: string, status: Record<string, unknown>): HallDelta {
  return { hallId: 'h1', seq, event: { hallId: 'h1', seq, at: at(seq), type: 'device.status', data: { deviceId, kind: 'ticketer', status } } };
}
