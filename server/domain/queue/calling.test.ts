import { describe, it, expect } from 'vitest';
import type { Command } from './commands.ts';
import type { HallQueueConfig } from './config.ts';
import { DEMO_HALL, hallTime } from './demo-config.ts';
import { applyCommand } from './engine.ts';
import { initialState, type HallDayState } from './state.ts';

const day = '2026-03-02';
const t = (hhmm: string) => hallTime(day, hhmm);
const err = (code: string) => expect.objectContaining({ code });
function run(steps: [string, Command][], cfg: HallQueueConfig = DEMO_HALL, s0?: HallDayState): HallDayState {
  let s = s0 ?? initialState(cfg, t('07:00'));
  for (const [hhmm, c] of steps) s = applyCommand(s, c, t(hhmm), cfg).state;
  return s;
}
const apply = (s: HallDayState, hhmm: string, c: Command, cfg: HallQueueConfig = DEMO_HALL) =>
  applyCommand(s, c, t(hhmm), cfg);
const take = (id: string, itemCode = 'ZH-001', cls: 'walk-in' | 'appointment' | 'green' = 'walk-in'): Command => ({
  type: 'take',
  ticketId: id,
  itemCode,
  class: cls,
});
const open = (windowId: string): Command => ({ type: 'window.open', windowId });
const next = (windowId: string): Command => ({ type: 'call-next', windowId });

const base = run([
  ['08:00', open('w5')],
  ['08:00', open('w2')],
  ['08:01', take('a1')],
  ['08:02', take('a2')],
  ['08:03', take('a3')],
]);

describe('call next (叫号)', () => {
  it('calls the best ticket and shows "请A001号到5号窗口办理"', () => {
    const r = apply(base, '08:10', next('w5'));
    expect(r.events).toEqual([
      {
        type: 'ticket.called',
        at: t('08:10').toISOString(),
        ticketId: 'a1',
        ticketNo: 'A001',
        windowId: 'w5',
        windowNo: '5',
        queueId: 'qA',
        class: 'walk-in',
        waitedMin: 9,
        call: 1,
        outOfOrder: false,
        display: { text: '请A001号到5号窗口办理', voice: '请A001号到5号窗口办理' },
      },
    ]);
    expect(r.state.tickets.a1).toMatchObject({
      status: 'called',
      windowId: 'w5',
      calledAt: t('08:10').toISOString(),
      calls: 1,
    });
    expect(r.state.windows.w5!.current).toBe('a1');
    expect(r.state.queueCalls.qA).toBe(1);
    expect(base.tickets.a1!.status).toBe('waiting'); // the old state is untouched
  });

  it('gives no event and no change when nobody the window serves waits', () => {
    const s = run([['08:00', open('w6')]]);
    const r = apply(s, '09:30', next('w6'));
    expect(r).toEqual({ state: s, events: [] });
  });

  it('refuses an unknown window, a paused or closed window and a window still holding a ticket', () => {
    expect(() => apply(base, '08:10', next('w9'))).toThrow(err('HALL_ERR_NOT_FOUND'));
    expect(() => apply(base, '08:10', next('w1'))).toThrow(err('HALL_ERR_CONFLICT')); // closed
    const paused = run([['08:05', { type: 'window.pause', windowId: 'w5' }]], DEMO_HALL, base);
    expect(() => apply(paused, '08:10', next('w5'))).toThrow(/paused/);
    const holding = run([['08:05', next('w5')]], DEMO_HALL, base);
    expect(() => apply(holding, '08:10', next('w5'))).toThrow(/still holds/);
  });
});

describe('call a chosen ticket (选叫)', () => {
  it('needs a reason only when out of order, and records it', () => {
    expect(() => apply(base, '08:10', { type: 'call-ticket', windowId: 'w5', ticketId: 'a3' })).toThrow(
      err('HALL_ERR_BAD_DATA'),
    );
    expect(() => apply(base, '08:10', { type: 'call-ticket', windowId: 'w5', ticketId: 'a3', reason: '  ' })).toThrow(
      /reason/,
    );
    const r = apply(base, '08:10', { type: 'call-ticket', windowId: 'w5', ticketId: 'a3', reason: '老人行动不便' });
    expect(r.events[0]).toMatchObject({
      type: 'ticket.called',
      ticketNo: 'A003',
      outOfOrder: true,
      reason: '老人行动不便',
    });
    expect(apply(base, '08:10', { type: 'call-ticket', windowId: 'w5', ticketId: 'a1' }).events[0]).toMatchObject({
      outOfOrder: false,
    });
  });

  it('only calls a waiting ticket of a queue the window serves now', () => {
    const s = run(
      [
        ['08:04', take('b1', 'GA-001')],
        ['08:05', next('w5')],
      ],
      DEMO_HALL,
      base,
    );
    expect(() => apply(s, '08:10', { type: 'call-ticket', windowId: 'w2', ticketId: 'a1', reason: 'x' })).toThrow(
      /called, not waiting/,
    );
    expect(() => apply(s, '08:10', { type: 'call-ticket', windowId: 'w2', ticketId: 'b1', reason: 'x' })).toThrow(
      /does not serve queue qB/,
    );
    expect(() => apply(s, '08:10', { type: 'call-ticket', windowId: 'w2', ticketId: 'zz', reason: 'x' })).toThrow(
      err('HALL_ERR_NOT_FOUND'),
    );
  });
});

describe('recall (重呼)', () => {
  it('counts and shows the call again, only before service starts', () => {
    const s = run([['08:10', next('w5')]], DEMO_HALL, base);
    const r = apply(s, '08:11', { type: 'recall', windowId: 'w5' });
    expect(r.events).toEqual([
      {
        type: 'ticket.recalled',
        at: t('08:11').toISOString(),
        ticketId: 'a1',
        ticketNo: 'A001',
        windowId: 'w5',
        windowNo: '5',
        recalls: 1,
        display: { text: '请A001号到5号窗口办理', voice: '请A001号到5号窗口办理' },
      },
    ]);
    expect(apply(r.state, '08:12', { type: 'recall', windowId: 'w5', ticketId: 'a1' }).state.tickets.a1!.recalls).toBe(
      2,
    );
    expect(() => apply(r.state, '08:12', { type: 'recall', windowId: 'w5', ticketId: 'a2' })).toThrow(
      /not the current ticket/,
    );
    const serving = run([['08:12', { type: 'start', windowId: 'w5' }]], DEMO_HALL, r.state);
    expect(() => apply(serving, '08:13', { type: 'recall', windowId: 'w5' })).toThrow(err('HALL_ERR_CONFLICT'));
    expect(() => apply(base, '08:13', { type: 'recall', windowId: 'w5' })).toThrow(/no current ticket/);
  });
});

describe('skip / no-show (过号) and late comers', () => {
  const called = run([['08:10', next('w5')]], DEMO_HALL, base);

  it('policy return: skipped, returns after N calls, dropped at the skip after maxReturns', () => {
    const r = apply(called, '08:11', { type: 'skip', windowId: 'w5' });
    expect(r.events).toEqual([
      {
        type: 'ticket.skipped',
        at: t('08:11').toISOString(),
        ticketId: 'a1',
        ticketNo: 'A001',
        windowId: 'w5',
        windowNo: '5',
        skipCount: 1,
        then: 'return',
        returnAfterCalls: 2,
      },
    ]);
    expect(r.state.windows.w5!.current).toBeUndefined();
    // two more calls of qA bring it back; it waited longest, so it is called next.
    let s = run(
      [
        ['08:12', next('w5')],
        ['08:12', { type: 'complete', windowId: 'w5', outcome: 'done' }],
        ['08:13', next('w2')],
      ],
      DEMO_HALL,
      r.state,
    );
    expect(s.tickets.a1!.status).toBe('waiting');
    const again = apply(s, '08:14', next('w5'));
    // The second call of a1 says so: the wait indicators count only a ticket's first call.
    expect(again.events).toMatchObject([{ type: 'ticket.called', ticketId: 'a1', call: 2, waitedMin: 13 }]);
    s = again.state;
    expect(s.windows.w5!.current).toBe('a1');
    const dropped = apply(s, '08:15', { type: 'skip', windowId: 'w5' });
    expect(dropped.events.map((e) => e.type)).toEqual(['ticket.skipped', 'ticket.dropped']);
    expect(dropped.state.tickets.a1).toMatchObject({ status: 'dropped', dropReason: 'no-show', skipCount: 2 });
  });

  it('policy drop: dropped at once; a late comer re-activates within the limit', () => {
    const cfg: HallQueueConfig = { ...DEMO_HALL, policy: { ...DEMO_HALL.policy, skip: { mode: 'drop' } } };
    const r = apply(called, '08:11', { type: 'skip', windowId: 'w5', ticketId: 'a1' }, cfg);
    expect(r.state.tickets.a1).toMatchObject({ status: 'dropped', skippedAt: t('08:11').toISOString() });
    expect(() => apply(r.state, '08:32', { type: 'reactivate', ticketId: 'a1' }, cfg)).toThrow(/more than 20 minutes/);
    const back = apply(r.state, '08:31', { type: 'reactivate', ticketId: 'a1' }, cfg);
    expect(back.events).toEqual([
      { type: 'ticket.reactivated', at: t('08:31').toISOString(), ticketId: 'a1', ticketNo: 'A001', queueId: 'qA' },
    ]);
    expect(back.state.tickets.a1).toMatchObject({
      status: 'waiting',
      reactivations: 1,
      takenAt: t('08:01').toISOString(),
    });
    expect(back.state.tickets.a1!.dropReason).toBeUndefined();
    expect(() => apply(back.state, '08:32', { type: 'reactivate', ticketId: 'a1' }, cfg)).toThrow(
      err('HALL_ERR_CONFLICT'),
    );
  });

  it('refuses to skip a ticket in service and to re-activate an unknown ticket', () => {
    const serving = run([['08:11', { type: 'start', windowId: 'w5' }]], DEMO_HALL, called);
    expect(() => apply(serving, '08:12', { type: 'skip', windowId: 'w5' })).toThrow(err('HALL_ERR_CONFLICT'));
    expect(() => apply(serving, '08:12', { type: 'reactivate', ticketId: 'nope' })).toThrow(err('HALL_ERR_NOT_FOUND'));
  });
});
