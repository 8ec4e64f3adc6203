import { describe, it, expect } from 'vitest';
import type { Command } from './commands.ts';
import { DEMO_HALL, hallTime } from './demo-config.ts';
import { applyCommand } from './engine.ts';
import { initialState, type HallDayState } from './state.ts';

const t = (hhmm: string) => hallTime('2026-03-02', hhmm);
const err = (code: string) => expect.objectContaining({ code });
const apply = (s: HallDayState, hhmm: string, c: Command) => applyCommand(s, c, t(hhmm), DEMO_HALL);
function run(steps: [string, Command][], s0: HallDayState = initialState(DEMO_HALL, t('07:00'))): HallDayState {
  return steps.reduce((s, [hhmm, c]) => apply(s, hhmm, c).state, s0);
}
const w = (type: 'window.open' | 'window.pause' | 'window.resume' | 'window.close', windowId = 'w5'): Command => ({
  type,
  windowId,
});

describe('window status (暂停 / 恢复 / 关闭)', () => {
  it('starts closed; open ⇄ paused; closes from open or paused', () => {
    const s0 = initialState(DEMO_HALL, t('07:00'));
    expect(Object.values(s0.windows).map((x) => x.status)).toEqual(Array(6).fill('closed'));
    const r = apply(s0, '08:00', w('window.open'));
    expect(r.events).toEqual([{ type: 'window.opened', at: t('08:00').toISOString(), windowId: 'w5', windowNo: '5' }]);
    const s = run(
      [
        ['08:01', w('window.pause')],
        ['08:02', w('window.resume')],
        ['08:03', w('window.pause')],
        ['08:04', w('window.close')],
      ],
      r.state,
    );
    expect(s.windows.w5!.status).toBe('closed');
    expect(() => apply(s, '08:05', w('window.resume'))).toThrow(err('HALL_ERR_CONFLICT'));
    expect(() => apply(s, '08:05', w('window.pause'))).toThrow(err('HALL_ERR_CONFLICT'));
    expect(() => apply(r.state, '08:05', w('window.open'))).toThrow(err('HALL_ERR_CONFLICT'));
    expect(() => apply(r.state, '08:05', w('window.open', 'w9'))).toThrow(err('HALL_ERR_NOT_FOUND'));
  });

  it('a paused window finishes its ticket but cannot close while holding one', () => {
    const s = run([
      ['08:00', w('window.open')],
      ['08:01', { type: 'take', ticketId: 'a1', itemCode: 'ZH-001' }],
      ['08:02', { type: 'call-next', windowId: 'w5' }],
      ['08:03', w('window.pause')],
    ]);
    expect(() => apply(s, '08:04', w('window.close'))).toThrow(/still holds/);
    const done = run(
      [
        ['08:04', { type: 'start', windowId: 'w5' }],
        ['08:10', { type: 'complete', windowId: 'w5', outcome: 'done' }],
        ['08:11', w('window.close')],
      ],
      s,
    );
    expect(done.windows.w5).toEqual({ id: 'w5', status: 'closed', served: 1 });
  });

  it('closing returns tickets transferred to the window to their queue', () => {
    const s = run([
      ['08:00', w('window.open')],
      ['08:00', w('window.open', 'w2')],
      ['08:01', { type: 'take', ticketId: 'a1', itemCode: 'ZH-001' }],
      ['08:02', { type: 'call-next', windowId: 'w2' }],
      ['08:03', { type: 'transfer', windowId: 'w2', toWindowId: 'w5' }],
    ]);
    const r = apply(s, '08:04', w('window.close'));
    expect(r.events.map((e) => e.type)).toEqual(['window.closed', 'ticket.untargeted']);
    expect(r.state.tickets.a1!.targetWindowId).toBeUndefined();
    expect(r.state.tickets.a1!.status).toBe('waiting');
  });

  it('a new hall day closes every window', () => {
    const s = run([['08:00', w('window.open')]]);
    const r = applyCommand(s, w('window.open', 'w2'), hallTime('2026-03-03', '08:00'), DEMO_HALL);
    expect(r.events.map((e) => e.type)).toEqual(['day.rolled', 'window.opened']);
    expect(r.state.windows.w5!.status).toBe('closed');
  });
});
