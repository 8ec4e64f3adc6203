import { describe, it, expect } from 'vitest';
import type { Command } from './commands.ts';
import type { HallQueueConfig } from './config.ts';
import { DEMO_HALL, hallTime } from './demo-config.ts';
import { applyCommand } from './engine.ts';
import { pickNext } from './pick-next.ts';
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

const called = run([
  ['08:00', { type: 'window.open', windowId: 'w1' }],
  ['08:00', { type: 'window.open', windowId: 'w3' }],
  ['08:00', { type: 'window.open', windowId: 'w5' }],
  ['08:01', { type: 'take', ticketId: 'a1', itemCode: 'ZH-001' }],
  ['08:02', { type: 'take', ticketId: 'g1', itemCode: 'ZH-002', class: 'green' }],
  ['08:05', { type: 'call-next', windowId: 'w1' }], // g1 (green first)
  ['08:06', { type: 'call-next', windowId: 'w5' }], // a1
]);

describe('start and complete (办结)', () => {
  it('start: called → serving', () => {
    const r = apply(called, '08:07', { type: 'start', windowId: 'w1', ticketId: 'g1' });
    expect(r.state.tickets.g1).toMatchObject({ status: 'serving', startedAt: t('08:07').toISOString() });
    expect(r.events).toEqual([
      {
        type: 'service.started',
        at: t('08:07').toISOString(),
        ticketId: 'g1',
        ticketNo: 'A002',
        windowId: 'w1',
        windowNo: '1',
      },
    ]);
    expect(() => apply(r.state, '08:08', { type: 'start', windowId: 'w1' })).toThrow(err('HALL_ERR_CONFLICT'));
    expect(() => apply(r.state, '08:08', { type: 'start', windowId: 'w2' })).toThrow(/no current ticket/);
  });

  it("complete frees the window, opens the case and prompts the window's rater", () => {
    const s = run([['08:07', { type: 'start', windowId: 'w1' }]], DEMO_HALL, called);
    const r = apply(s, '08:19', { type: 'complete', windowId: 'w1', outcome: 'incomplete' });
    const ref = { at: t('08:19').toISOString(), ticketId: 'g1', ticketNo: 'A002', windowId: 'w1', windowNo: '1' };
    expect(r.events).toEqual([
      { ...ref, type: 'ticket.completed', queueId: 'qA', itemCode: 'ZH-002', outcome: 'incomplete', serviceMin: 12 },
      {
        ...ref,
        type: 'case.opened',
        queueId: 'qA',
        itemCode: 'ZH-002',
        departmentId: 'zh',
        outcome: 'incomplete',
        takenAt: t('08:02').toISOString(),
        calledAt: t('08:05').toISOString(),
        startedAt: t('08:07').toISOString(),
        endedAt: t('08:19').toISOString(),
      },
      { ...ref, type: 'rating.prompt', raterDeviceId: 'rater-1' },
    ]);
    expect(r.state.tickets.g1).toMatchObject({ status: 'done', outcome: 'incomplete' });
    expect(r.state.windows.w1).toEqual({ id: 'w1', status: 'open', served: 1 });
    expect(r.state.recentServiceMin.qA).toEqual([12]);
  });

  it('completes straight from called (service counted from the call); a window without a rater prompts null', () => {
    const cfg = {
      ...DEMO_HALL,
      windows: DEMO_HALL.windows.map((w) => (w.id === 'w5' ? { ...w, raterDeviceId: undefined } : w)),
    };
    const r = apply(called, '08:14', { type: 'complete', windowId: 'w5', outcome: 'refused' }, cfg);
    expect(r.events[0]).toMatchObject({ serviceMin: 8, outcome: 'refused' });
    expect(r.events[2]).toMatchObject({ type: 'rating.prompt', raterDeviceId: null });
    expect(() => apply(called, '08:14', { type: 'complete', windowId: 'w5', outcome: 'nope' as 'done' })).toThrow(
      err('HALL_ERR_BAD_DATA'),
    );
  });

  it('keeps only the last recentK service times per queue', () => {
    const cfg: HallQueueConfig = { ...DEMO_HALL, policy: { ...DEMO_HALL.policy, recentK: 2 } };
    let s = run([['08:00', { type: 'window.open', windowId: 'w2' }]], cfg);
    for (const [i, [a, b]] of [
      ['09:00', '09:05'],
      ['09:10', '09:12'],
      ['09:20', '09:27'],
    ].entries()) {
      s = run(
        [
          [a!, { type: 'take', ticketId: `x${i}`, itemCode: 'ZH-001' }],
          [a!, { type: 'call-next', windowId: 'w2' }],
          [b!, { type: 'complete', windowId: 'w2', outcome: 'done' }],
        ],
        cfg,
        s,
      );
    }
    expect(s.recentServiceMin.qA).toEqual([2, 7]);
  });
});

describe('transfer (转移)', () => {
  it('to a queue: keeps number and take time, becomes transferred-back, frees the window', () => {
    const r = apply(called, '08:10', { type: 'transfer', windowId: 'w5', toQueueId: 'qB' });
    expect(r.state.tickets.a1).toMatchObject({
      status: 'waiting',
      queueId: 'qB',
      no: 'A001',
      class: 'transferred-back',
      takenAt: t('08:01').toISOString(),
      transfers: 1,
    });
    expect(r.state.windows.w5!.current).toBeUndefined();
    expect(r.events).toEqual([
      {
        type: 'ticket.transferred',
        at: t('08:10').toISOString(),
        ticketId: 'a1',
        ticketNo: 'A001',
        windowId: 'w5',
        windowNo: '5',
        fromQueueId: 'qA',
        toQueueId: 'qB',
        class: 'transferred-back',
      },
    ]);
    expect(pickNext(r.state, 'w3', t('08:11'), DEMO_HALL)?.id).toBe('a1'); // w3 serves qB
  });

  it('a green-channel ticket stays green; with transferAs keep the class stays', () => {
    expect(apply(called, '08:10', { type: 'transfer', windowId: 'w1', toQueueId: 'qC' }).state.tickets.g1!.class).toBe(
      'green',
    );
    const keep: HallQueueConfig = { ...DEMO_HALL, policy: { ...DEMO_HALL.policy, transferAs: 'keep' } };
    expect(
      apply(called, '08:10', { type: 'transfer', windowId: 'w5', toQueueId: 'qC' }, keep).state.tickets.a1!.class,
    ).toBe('walk-in');
  });

  it('to a window: only that window may call it; a serving ticket can be transferred too', () => {
    const s = run(
      [
        ['08:07', { type: 'start', windowId: 'w5' }],
        ['08:09', { type: 'transfer', windowId: 'w5', toWindowId: 'w3' }],
      ],
      DEMO_HALL,
      called,
    );
    expect(s.tickets.a1).toMatchObject({ status: 'waiting', queueId: 'qA', targetWindowId: 'w3' });
    expect(s.tickets.a1!.startedAt).toBeUndefined();
    expect(pickNext(s, 'w5', t('08:10'), DEMO_HALL)).toBeNull();
    expect(() => apply(s, '08:10', { type: 'call-ticket', windowId: 'w5', ticketId: 'a1', reason: 'x' })).toThrow(
      /transferred to window w3/,
    );
    const r = apply(s, '08:10', { type: 'call-next', windowId: 'w3' });
    expect(r.state.tickets.a1).toMatchObject({ status: 'called', windowId: 'w3', calls: 2 });
    expect(r.state.tickets.a1!.targetWindowId).toBeUndefined();
  });

  it('refuses without a target, to an unknown queue or window, and to a closed window', () => {
    expect(() => apply(called, '08:10', { type: 'transfer', windowId: 'w5' })).toThrow(err('HALL_ERR_BAD_DATA'));
    expect(() => apply(called, '08:10', { type: 'transfer', windowId: 'w5', toQueueId: 'qZ' })).toThrow(
      err('HALL_ERR_NOT_FOUND'),
    );
    expect(() => apply(called, '08:10', { type: 'transfer', windowId: 'w5', toWindowId: 'w9' })).toThrow(
      err('HALL_ERR_NOT_FOUND'),
    );
    expect(() => apply(called, '08:10', { type: 'transfer', windowId: 'w5', toWindowId: 'w6' })).toThrow(/closed/);
    expect(() => apply(called, '08:10', { type: 'transfer', windowId: 'w2', toQueueId: 'qB' })).toThrow(
      /no current ticket/,
    );
  });
});
