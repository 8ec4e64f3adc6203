import { describe, expect, it } from 'vitest';
import { applyCommand, initialState, liveState, type HallDayState } from './index.ts';
import { DEMO_HALL, hallTime } from './demo-config.ts';

const day = '2026-11-23';
const at = (hhmm: string) => hallTime(day, hhmm);
const run = (s: HallDayState, cmd: Parameters<typeof applyCommand>[1], hhmm: string) =>
  applyCommand(s, cmd, at(hhmm), DEMO_HALL).state;

describe('liveState: the line without tickets no rule can touch', () => {
  const cfg = { ...DEMO_HALL, policy: { skip: { mode: 'drop' as const }, reactivateWithinMin: 30 } };
  let s = initialState(cfg, at('09:00'));
  s = applyCommand(s, { type: 'window.open', windowId: 'w2' }, at('09:00'), cfg).state;
  for (const id of ['t1', 't2', 't3'])
    s = applyCommand(s, { type: 'take', ticketId: id, itemCode: 'ZH-001' }, at('09:01'), cfg).state;
  s = applyCommand(s, { type: 'call-next', windowId: 'w2' }, at('09:02'), cfg).state;
  s = applyCommand(s, { type: 'complete', windowId: 'w2', outcome: 'done' }, at('09:05'), cfg).state; // t1 done
  s = applyCommand(s, { type: 'call-next', windowId: 'w2' }, at('09:06'), cfg).state;
  s = applyCommand(s, { type: 'skip', windowId: 'w2' }, at('09:07'), cfg).state; // t2 dropped (no-show) at 09:07

  it('drops done tickets, keeps the waiting and a recent no-show, in take order', () => {
    const live = liveState(s, at('09:10'), cfg);
    expect(Object.keys(live.tickets)).toEqual(['t2', 't3']);
    expect(live.windows).toBe(s.windows);
  });
  it('a no-show past the re-activation window goes too; re-activating it was refused anyway', () => {
    expect(Object.keys(liveState(s, at('09:38'), cfg).tickets)).toEqual(['t3']);
    expect(() => applyCommand(s, { type: 'reactivate', ticketId: 't2' }, at('09:38'), cfg)).toThrow();
  });
  it('returns the same object when nothing is pruned, and is idempotent', () => {
    const live = liveState(s, at('09:10'), cfg);
    expect(liveState(live, at('09:10'), cfg)).toBe(live);
    const fresh = run(
      initialState(DEMO_HALL, at('09:00')),
      { type: 'take', ticketId: 'x', itemCode: 'ZH-001' },
      '09:01',
    );
    expect(liveState(fresh, at('09:02'), DEMO_HALL)).toBe(fresh);
  });
});
