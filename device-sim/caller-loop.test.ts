import { describe, expect, it } from 'vitest';
import type { CallResult } from '../contracts/index.ts';
import { seededRandom } from './arrivals.ts';
import { createCallerLoop } from './caller-loop.ts';

/**
 * The simulated clerk's state machine with a hand-run timer queue: what it
 * sends after each reply. The real server answers it in
 * tests/e2e/sim-callers.test.ts.
 */
function harness() {
  const sent: { id: string; type: string; data: Record<string, unknown> }[] = [];
  const timers: { at: number; fn: () => void }[] = [];
  let now = 0;
  const errors: string[] = [];
  const stats = { called: 0, completed: 0 };
  const loop = createCallerLoop({
    caller: { deviceId: 'c1', windowId: 'w1', account: 'clerk', pin: '730415' },
    send: (type, data) => {
      const id = `m${sent.length + 1}`;
      sent.push({ id, type, data: data as Record<string, unknown> });
      return id;
    },
    later: (fn, ms) => {
      timers.push({ at: now + ms, fn });
    },
    random: seededRandom(7),
    serviceMeanMs: () => 10_000,
    fail: (code) => errors.push(code),
    onCalled: () => {
      stats.called++;
    },
    onCompleted: () => {
      stats.completed++;
    },
  });
  /** Runs timers until a new message was sent; returns it. */
  const nextSent = () => {
    const n = sent.length;
    while (sent.length === n) {
      timers.sort((a, b) => a.at - b.at);
      const t = timers.shift();
      if (!t) throw new Error('no timer left');
      now = t.at;
      t.fn();
    }
    return sent.at(-1)!;
  };
  const result = (status: string, current: CallResult['current']): CallResult => ({
    seq: 1,
    events: [],
    window: { id: 'w1', no: '1', status, served: 0 },
    current,
  });
  const ticket = (s: string): CallResult['current'] => ({
    ticketId: 't1',
    ticketNo: 'A001',
    status: s,
    queueId: 'q',
    class: 'walk-in',
  });
  return { loop, sent, nextSent, result, ticket, errors, stats };
}

describe('simulated caller loop', () => {
  it('signs in, opens, calls, starts, completes', () => {
    const h = harness();
    h.loop.start();
    let m = h.nextSent();
    expect(m).toMatchObject({ type: 'caller.signin', data: { windowId: 'w1', account: 'clerk', pin: '730415' } });
    h.loop.onReply('caller.signedin', m.id, {});
    m = h.nextSent();
    expect(m.type).toBe('call.open');
    h.loop.onReply('call.result', m.id, h.result('open', null));
    // Pauses come now and then; skip past them to the first call.
    m = h.nextSent();
    while (m.type !== 'call.next') {
      h.loop.onReply('call.result', m.id, h.result(m.type === 'call.pause' ? 'paused' : 'open', null));
      m = h.nextSent();
    }
    h.loop.onReply('call.result', m.id, h.result('open', h.ticket('called')));
    m = h.nextSent();
    expect(m.type).toBe('call.start');
    h.loop.onReply('call.result', m.id, h.result('open', h.ticket('serving')));
    m = h.nextSent();
    expect(m.type).toBe('call.complete');
    h.loop.onReply('call.result', m.id, h.result('open', null));
    expect(h.stats).toEqual({ called: 1, completed: 1 });
    // A duplicate reply (QoS 1) is ignored.
    h.loop.onReply('call.result', m.id, h.result('open', null));
    expect(h.stats.completed).toBe(1);
  });

  it('finds its way back after a conflict, and signs in again when the session ended', () => {
    const h = harness();
    h.loop.start();
    let m = h.nextSent();
    h.loop.onReply('caller.signedin', m.id, {});
    m = h.nextSent();
    expect(m.type).toBe('call.open');
    // Already open and holding a ticket (the sim restarted mid-day).
    h.loop.onReply('error', m.id, { code: 'HALL_ERR_CONFLICT', message: 'window 1 is open' });
    m = h.nextSent();
    expect(m.type).toBe('call.complete');
    h.loop.onReply('call.result', m.id, h.result('open', null));
    m = h.nextSent();
    expect(['call.next', 'call.pause']).toContain(m.type);
    h.loop.onReply('error', m.id, { code: 'HALL_ERR_SESSION_EXPIRED', message: 'timed out' });
    m = h.nextSent();
    expect(m.type).toBe('caller.signin');
    expect(h.errors).toEqual([]);
  });
});
