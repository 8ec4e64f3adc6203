import { describe, expect, it } from 'vitest';
import type { HallDelta } from '@contracts/socket.ts';
import { applyDelta, RECENT_TICKETS_MAX } from './apply-delta.ts';
import { at, deviceEvent, deviceStatus, snapshot, ticketIssued } from './test-fixtures.ts';

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
    const delta = { hallId: 'h1', seq: 11, event: { hallId: 'h1', seq: 11, at: at(11), type: 'call.next', data: { windowId: 'w1' } } };
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
  it('sets waiting, issuedToday and lastTicketNo of the queue and leaves other queues as they were', () => {
    const s0 = snapshot(10);
    const s = applied(s0, ticketIssued(11, 'A013', 'q-a', 7, 20));
    expect(s.queues[0]).toEqual({ ...s0.queues[0], waiting: 7, issuedToday: 20, lastTicketNo: 'A013' });
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
