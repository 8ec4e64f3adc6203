import { describe, expect, it } from 'vitest';
import type { HallSnapshot } from '@contracts/hall.ts';
import type { HallDelta } from '@contracts/socket.ts';
import {
  applyDelta,
  changesServerFigures,
  deltaExactPart,
  RECENT_CALLS_MAX,
  RECENT_TICKETS_MAX,
} from '../../../contracts/apply-delta.ts';
import {
  at,
  deviceEvent,
  deviceStatus,
  display,
  queueEvent,
  snapshot,
  ticketIssued,
  ticketTaken,
} from './test-fixtures.ts';

/** Applies a delta that must be the next one; fails the test otherwise. */
function applied(state: ReturnType<typeof snapshot>, delta: HallDelta) {
  const out = applyDelta(state, delta);
  if (out.kind !== 'applied') throw new Error(`expected applied, got ${out.kind}`);
  return out.state;
}

describe('applyDelta: sequence rules', () => {
  it('applies the next seq and advances seq', () => {
    const s = applied(snapshot(10), ticketIssued(11, 'A013'));
    expect(s.seq).toBe(11);
  });

  it('applies consecutive deltas in order', () => {
    let s = snapshot(10);
    s = applied(s, ticketIssued(11, 'A013', 'q-a', 4, 13));
    s = applied(s, ticketIssued(12, 'B001', 'q-b', 1, 1));
    s = applied(s, ticketIssued(13, 'A014', 'q-a', 5, 14));
    expect(s.seq).toBe(13);
    expect(s.queues.map((q) => [q.id, q.waiting, q.issuedToday, q.lastTicketNo])).toEqual([
      ['q-a', 5, 14, 'A014'],
      ['q-b', 1, 1, 'B001'],
    ]);
    expect(s.recentTickets.map((t) => t.ticketNo)).toEqual(['A014', 'B001', 'A013', 'A012']);
  });

  it('ignores a duplicate (seq equal to or below the state)', () => {
    const s = snapshot(10);
    expect(applyDelta(s, ticketIssued(10, 'A099'))).toEqual({ kind: 'duplicate' });
    expect(applyDelta(s, ticketIssued(3, 'A099'))).toEqual({ kind: 'duplicate' });
  });

  it('reports a gap when seq jumps ahead, without changing the state', () => {
    const s = snapshot(10);
    const before = structuredClone(s);
    expect(applyDelta(s, ticketIssued(13, 'A015'))).toEqual({ kind: 'gap', expected: 11, received: 13 });
    expect(s).toEqual(before);
  });

  it('ignores another hall’s delta', () => {
    expect(applyDelta(snapshot(10), ticketIssued(11, 'A013', 'q-a', 4, 13, 'other'))).toEqual({ kind: 'foreign' });
  });

  it('advances seq on an unknown event type and changes nothing else', () => {
    const s = snapshot(10);
    const delta = {
      hallId: 'h1',
      seq: 11,
      event: { hallId: 'h1', seq: 11, at: at(11), type: 'call.next', data: { windowId: 'w1' } },
    };
    const next = applied(s, delta as unknown as HallDelta);
    expect(next).toEqual({ ...s, seq: 11 });
  });

  it('does not mutate the input state', () => {
    const s = snapshot(10);
    const before = structuredClone(s);
    applied(s, ticketIssued(11, 'A013'));
    applied(s, deviceEvent(11, 'device.online', 'c1'));
    expect(s).toEqual(before);
  });
});

describe('applyDelta: ticket.issued', () => {
  it('adds one waiting, sets issuedToday and lastTicketNo of the queue and leaves other queues as they were', () => {
    const s0 = snapshot(10);
    // The event's `waiting` leaves out tickets transferred to a window; the wall counts every waiting ticket.
    const s = applied(s0, ticketIssued(11, 'A013', 'q-a', 7, 20));
    expect(s.queues[0]).toEqual({ ...s0.queues[0], waiting: 4, issuedToday: 20, lastTicketNo: 'A013' });
    expect(s.queues[1]).toBe(s0.queues[1]);
  });

  it('prepends to recentTickets with the event time and keeps at most 20', () => {
    let s = snapshot(10);
    for (let i = 1; i <= 25; i++) s = applied(s, ticketIssued(10 + i, `A${String(100 + i)}`));
    expect(s.recentTickets).toHaveLength(RECENT_TICKETS_MAX);
    expect(s.recentTickets[0]).toEqual({ ticketNo: 'A125', queueId: 'q-a', issuedAt: at(35) });
    expect(s.recentTickets.at(-1)?.ticketNo).toBe('A106');
  });

  it('still records the ticket when its queue is not in the snapshot', () => {
    const s0 = snapshot(10);
    const s = applied(s0, ticketIssued(11, 'Z001', 'q-new', 1, 1));
    expect(s.queues).toEqual(s0.queues);
    expect(s.recentTickets[0]?.ticketNo).toBe('Z001');
  });
});

describe('applyDelta: device events', () => {
  it('device.online and device.offline set the online flag', () => {
    let s = applied(snapshot(10), deviceEvent(11, 'device.online', 'c1'));
    expect(s.devices.find((d) => d.id === 'c1')).toMatchObject({ online: true, lastSeenAt: at(11) });
    s = applied(s, deviceEvent(12, 'device.offline', 't1', 'ticketer'));
    expect(s.devices.find((d) => d.id === 't1')).toMatchObject({ online: false, status: { paper: 'ok' } });
  });

  it('device.status replaces the status (paper low)', () => {
    const s = applied(snapshot(10), deviceStatus(11, 't1', { paper: 'low', printer: 'ok', reader: 'ok' }));
    expect(s.devices.find((d) => d.id === 't1')?.status).toEqual({ paper: 'low', printer: 'ok', reader: 'ok' });
  });

  it('device.status does not change presence: only device.online/offline do, as on the server', () => {
    const before = snapshot(10).devices.find((d) => d.id === 't1')!.online;
    const s = applied(snapshot(10), deviceStatus(11, 't1', { paper: 'out', printer: 'ok', reader: 'ok' }));
    expect(s.devices.find((d) => d.id === 't1')!.online).toBe(before);
  });

  it('adds a device registered after the snapshot', () => {
    const s = applied(snapshot(10), deviceEvent(11, 'device.online', 'c9'));
    expect(s.devices).toHaveLength(3);
    expect(s.devices[2]).toEqual({ id: 'c9', kind: 'caller', online: true, lastSeenAt: at(11), status: null });
  });
});

/**
 * A recorded sequence of every queue event type, applied to a
 * snapshot, must give what a fresh snapshot at the last seq shows (the part
 * deltas determine; the server figures are refreshed from the server).
 * Built by hand to the contracts (the e2e test tests/e2e/wall-sync.test.ts
 * records the same on the real stack). Before: A010–A012 wait in q-a, w1 is
 * open, w2 closed, A005 of q-a was skipped earlier.
 */
describe('applyDelta: queue events (issue 4)', () => {
  const w1 = { windowId: 'w1', windowNo: '1' };
  const w2 = { windowId: 'w2', windowNo: '2' };
  const t = (no: string) => ({ ticketId: `id-${no}`, ticketNo: no });
  const sequence: HallDelta[] = [
    ticketTaken(11, 'A013', 'q-a', 13, 3),
    ticketTaken(12, 'B001', 'q-b', 1, 0),
    queueEvent(13, 'window.opened', w2),
    queueEvent(14, 'ticket.called', {
      ...t('A010'),
      ...w1,
      queueId: 'q-a',
      class: 'walk-in',
      waitedMin: 12,
      call: 1,
      outOfOrder: false,
      display: display('A010', '1'),
    }),
    queueEvent(15, 'ticket.recalled', { ...t('A010'), ...w1, recalls: 1, display: display('A010', '1') }),
    queueEvent(16, 'service.started', { ...t('A010'), ...w1 }),
    queueEvent(17, 'ticket.called', {
      ...t('B001'),
      ...w2,
      queueId: 'q-b',
      class: 'walk-in',
      waitedMin: 0,
      call: 1,
      outOfOrder: false,
      display: display('B001', '2'),
    }),
    queueEvent(18, 'ticket.skipped', { ...t('B001'), ...w2, skipCount: 1, then: 'return', returnAfterCalls: 3 }),
    queueEvent(19, 'ticket.completed', {
      ...t('A010'),
      ...w1,
      queueId: 'q-a',
      itemCode: 'ITEM-1',
      outcome: 'done',
      serviceMin: 6.4,
    }),
    queueEvent(20, 'case.opened', {
      ...t('A010'),
      ...w1,
      caseId: 'case-1',
      queueId: 'q-a',
      itemCode: 'ITEM-1',
      departmentId: 'd1',
      outcome: 'done',
      takenAt: at(1),
      calledAt: at(14),
      startedAt: at(16),
      endedAt: at(19),
    }),
    queueEvent(21, 'rating.prompt', { ...t('A010'), ...w1, raterDeviceId: null }),
    queueEvent(22, 'ticket.called', {
      ...t('A013'),
      ...w1,
      queueId: 'q-a',
      class: 'walk-in',
      waitedMin: 0,
      call: 1,
      outOfOrder: true,
      reason: '材料齐全',
      display: display('A013', '1'),
    }),
    queueEvent(23, 'ticket.transferred', {
      ...t('A013'),
      ...w1,
      fromQueueId: 'q-a',
      toQueueId: 'q-b',
      toWindowId: 'w2',
      class: 'transferred-back',
    }),
    queueEvent(24, 'window.paused', w1),
    queueEvent(25, 'window.closed', w2),
    queueEvent(26, 'ticket.untargeted', { ...t('A013'), queueId: 'q-b', fromWindowId: 'w2' }),
    queueEvent(27, 'ticket.reactivated', { ...t('B001'), queueId: 'q-b' }),
    queueEvent(28, 'window.resumed', w1),
    queueEvent(29, 'ticket.called', {
      ...t('A011'),
      ...w1,
      queueId: 'q-a',
      class: 'walk-in',
      waitedMin: 20,
      call: 2,
      outOfOrder: false,
      display: display('A011', '1'),
    }),
    queueEvent(30, 'ticket.skipped', { ...t('A011'), ...w1, skipCount: 2, then: 'drop' }),
    queueEvent(31, 'ticket.dropped', { ...t('A011'), queueId: 'q-a', reason: 'no-show' }),
    ticketTaken(32, 'A014', 'q-a', 14, 1),
    queueEvent(33, 'ticket.returned', { ...t('A005'), queueId: 'q-a' }),
  ];
  /** The fresh snapshot at seq 33 (server figures as the server would send them). */
  const fresh: HallSnapshot = {
    ...snapshot(33),
    queues: [
      {
        id: 'q-a',
        name: '社保',
        prefix: 'A',
        waiting: 3,
        issuedToday: 14,
        lastTicketNo: 'A014',
        estimate: { lowMin: 9, highMin: 20 },
        longestWaitMin: 40,
      },
      {
        id: 'q-b',
        name: '不动产',
        prefix: 'B',
        waiting: 2,
        issuedToday: 1,
        lastTicketNo: 'B001',
        estimate: null,
        longestWaitMin: 1,
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
        served: 5,
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
    recentTickets: [
      { ticketNo: 'A014', queueId: 'q-a', issuedAt: at(32) },
      { ticketNo: 'B001', queueId: 'q-b', issuedAt: at(12) },
      { ticketNo: 'A013', queueId: 'q-b', issuedAt: at(11) }, // transferred: the snapshot lists the queue it is in now
      { ticketNo: 'A012', queueId: 'q-a', issuedAt: '2025-01-06T01:00:00.000Z' },
    ],
    recentCalls: [
      { ticketNo: 'A011', windowNo: '1', at: at(29), recall: false },
      { ticketNo: 'A013', windowNo: '1', at: at(22), recall: false },
      { ticketNo: 'B001', windowNo: '2', at: at(17), recall: false },
      { ticketNo: 'A010', windowNo: '1', at: at(15), recall: true },
      { ticketNo: 'A010', windowNo: '1', at: at(14), recall: false },
      { ticketNo: 'A009', windowNo: '1', at: '2025-01-06T00:58:00.000Z', recall: false },
    ],
    pressure: { waiting: 5, openWindows: 1, clearMin: 25, level: 'busy' },
  };

  it('a snapshot plus the recorded deltas equals the fresh snapshot at the end', () => {
    let s = snapshot(10);
    for (const d of sequence) s = applied(s, d);
    expect(s.seq).toBe(33);
    expect(deltaExactPart(s)).toEqual(deltaExactPart(fresh));
  });

  it('the comparison is not blind: a missed delta shows', () => {
    let s = snapshot(10);
    for (const d of sequence.filter((x) => x.seq !== 27)) {
      const out = applyDelta(s, d.seq > 27 ? { ...d, seq: d.seq - 1, event: { ...d.event, seq: d.seq - 1 } } : d);
      if (out.kind === 'applied') s = out.state;
    }
    expect(deltaExactPart({ ...s, seq: 33 })).not.toEqual(deltaExactPart(fresh));
  });

  it('shows a window’s current ticket as called, then serving, and frees it on completion', () => {
    let s = snapshot(10);
    for (const d of sequence.slice(0, 4)) s = applied(s, d);
    expect(s.windows[0]).toMatchObject({ current: { ticketNo: 'A010', status: 'called' }, served: 4 });
    s = applied(applied(s, sequence[4]!), sequence[5]!);
    expect(s.windows[0]?.current).toEqual({ ticketNo: 'A010', status: 'serving' });
    for (const d of sequence.slice(6, 9)) s = applied(s, d);
    expect(s.windows[0]).toMatchObject({ current: null, served: 5 });
  });

  it('keeps the last server figures until the refresh, but settles the ones a delta decides', () => {
    let s = snapshot(10);
    s = applied(s, ticketTaken(11, 'A013', 'q-a', 13, 3));
    expect(s.queues[0]?.estimate).toEqual({ lowMin: 10, highMin: 30 }); // the event's range is that ticket's, not the next one's
    expect(s.pressure).toEqual({ waiting: 4, openWindows: 1, clearMin: 15, level: 'normal' });
    s = applied(s, queueEvent(12, 'window.closed', w1));
    expect(s.pressure).toEqual({ waiting: 4, openWindows: 0, clearMin: null, level: 'saturated' });
    // Nobody waits any more (a new day): clear, and no longest wait.
    s = applied(s, queueEvent(13, 'day.rolled', { fromDay: '2025-01-06', toDay: '2025-01-07', dropped: 4 }));
    expect(s.pressure).toEqual({ waiting: 0, openWindows: 0, clearMin: null, level: 'clear' });
    expect(s.queues.map((q) => q.longestWaitMin)).toEqual([null, null]);
  });

  it('day.rolled empties the day: numbers, windows, calls and tickets', () => {
    let s = snapshot(10);
    s = applied(s, queueEvent(11, 'ticket.dropped', { ...t('A010'), queueId: 'q-a', reason: 'day-end' }));
    s = applied(s, queueEvent(12, 'day.rolled', { fromDay: '2025-01-06', toDay: '2025-01-07', dropped: 1 }));
    expect(s.queues.map((q) => [q.waiting, q.issuedToday, q.lastTicketNo])).toEqual([
      [0, 0, null],
      [0, 0, null],
    ]);
    expect(s.windows.map((w) => [w.status, w.current, w.served, w.staff])).toEqual([
      ['closed', null, 0, 'staff-east'],
      ['closed', null, 0, null],
    ]);
    expect(s.recentCalls).toEqual([]);
    expect(s.recentTickets).toEqual([]);
    s = applied(s, ticketTaken(13, 'A001', 'q-a', 1, 0));
    expect(s.queues[0]).toMatchObject({ waiting: 1, issuedToday: 1, lastTicketNo: 'A001' });
  });

  it('keeps at most RECENT_CALLS_MAX calls, newest first, recalls marked', () => {
    let s = snapshot(10);
    for (let i = 1; i <= 12; i++) {
      s = applied(
        s,
        queueEvent(10 + i, 'ticket.recalled', { ...t('A009'), ...w1, recalls: i, display: display('A009', '1') }),
      );
    }
    expect(s.recentCalls).toHaveLength(RECENT_CALLS_MAX);
    expect(s.recentCalls[0]).toEqual({ ticketNo: 'A009', windowNo: '1', at: at(22), recall: true });
  });

  it('asks for the server figures after events that change them, not after device or rating events', () => {
    expect(sequence.filter((d) => changesServerFigures(d.event)).map((d) => d.seq)).toEqual([
      11, 12, 13, 14, 17, 18, 19, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33,
    ]);
    expect(changesServerFigures(deviceEvent(40, 'device.online', 'c1').event)).toBe(false);
  });
});
