import { describe, expect, it } from 'vitest';
import { applyCommand, initialState, type HallDayState } from './index.ts';
import { DEMO_HALL, hallTime } from './demo-config.ts';
import { hallPressure } from './pressure.ts';

const day = '2026-11-23';
const at = (hhmm: string) => hallTime(day, hhmm);

function withTickets(n: number, openWindows: string[]): HallDayState {
  let s = initialState(DEMO_HALL, at('09:00'));
  for (const w of openWindows) s = applyCommand(s, { type: 'window.open', windowId: w }, at('09:00'), DEMO_HALL).state;
  for (let i = 0; i < n; i++)
    s = applyCommand(s, { type: 'take', ticketId: `t${i}`, itemCode: 'ZH-001' }, at('09:01'), DEMO_HALL).state;
  return s;
}

describe('hall pressure (压力值)', () => {
  it('nobody waiting is clear', () => {
    expect(hallPressure(withTickets(0, ['w1']), DEMO_HALL)).toMatchObject({
      waiting: 0,
      clearMin: null,
      level: 'clear',
    });
  });
  it('people waiting and no open window is saturated', () => {
    expect(hallPressure(withTickets(1, []), DEMO_HALL)).toMatchObject({
      waiting: 1,
      openWindows: 0,
      level: 'saturated',
    });
  });
  it('clearing time = waiting × median service / open windows, by hand', () => {
    // Default service time 8 min (no completion yet): 5 × 8 / 2 = 20 min → busy (20 ≤ x < 30).
    expect(hallPressure(withTickets(5, ['w1', 'w2']), DEMO_HALL)).toMatchObject({
      waiting: 5,
      openWindows: 2,
      loadMin: 40,
      clearMin: 20,
      level: 'busy',
    });
    // 2 × 8 / 2 = 8 min → clear; 3 × 8 / 2 = 12 → normal; 10 × 8 / 2 = 40 → crowded; 20 × 8 / 2 = 80 → saturated.
    expect(hallPressure(withTickets(2, ['w1', 'w2']), DEMO_HALL).level).toBe('clear');
    expect(hallPressure(withTickets(3, ['w1', 'w2']), DEMO_HALL).level).toBe('normal');
    expect(hallPressure(withTickets(10, ['w1', 'w2']), DEMO_HALL).level).toBe('crowded');
    expect(hallPressure(withTickets(20, ['w1', 'w2']), DEMO_HALL).level).toBe('saturated');
  });
});
