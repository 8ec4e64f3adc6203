import { describe, expect, it } from 'vitest';
import { applyCommand, initialState } from '../queue/index.ts';
import { DEMO_HALL, hallTime } from '../queue/demo-config.ts';
import { hallPressure } from '../queue/pressure.ts';
import { forecastNextHour, pressureLevelOf, type SameHourWeek } from './pressure-forecast.ts';

const week = (walkIns: number, booked = 5, checkedIn = 4): SameHourWeek => ({ walkIns, booked, checkedIn });
// Last four Mondays 10:00–11:00, most recent first.
const history = [week(20), week(16), week(12), week(8)];

describe('pressure level (the wall scale, 001 §1.1.1.16 压力值)', () => {
  it('bounds 10 / 20 / 30 / 60 clearing minutes; 0 people clear; people with no window saturated', () => {
    expect(pressureLevelOf(0, 0, 0)).toBe('clear');
    expect(pressureLevelOf(1, 8, 0)).toBe('saturated');
    expect(pressureLevelOf(1, 9.99, 1)).toBe('clear'); // 9.99 < 10
    expect(pressureLevelOf(1, 10, 1)).toBe('normal'); // 10 is not < 10
    expect(pressureLevelOf(1, 20, 1)).toBe('busy');
    expect(pressureLevelOf(1, 59.99, 1)).toBe('crowded');
    expect(pressureLevelOf(1, 60, 1)).toBe('saturated');
  });

  it('agrees with hallPressure on every engine state of 0–4 open windows × 0–40 waiting', () => {
    // Exhaustive rather than random: clearing time 8·n/k (default 8 min) lands exactly on 10, 20, 30 and 60
    // at k = 4 (n = 5, 10, 15, 30), so every bound is crossed from both sides.
    const windows = ['w1', 'w2', 'w3', 'w5'];
    let compared = 0;
    for (let k = 0; k <= windows.length; k++) {
      let s = initialState(DEMO_HALL, hallTime('2026-11-23', '09:00'));
      for (const w of windows.slice(0, k))
        s = applyCommand(s, { type: 'window.open', windowId: w }, hallTime('2026-11-23', '09:00'), DEMO_HALL).state;
      for (let n = 0; n <= 40; n++) {
        if (n > 0)
          s = applyCommand(
            s,
            { type: 'take', ticketId: `t${n}`, itemCode: 'ZH-001' },
            hallTime('2026-11-23', '09:01'),
            DEMO_HALL,
          ).state;
        const p = hallPressure(s, DEMO_HALL);
        expect(p.waiting).toBe(n);
        expect(pressureLevelOf(p.waiting, p.loadMin, p.openWindows)).toBe(p.level);
        compared++;
      }
    }
    expect(compared).toBe(5 * 41);
  });
});

describe('next-hour forecast (压力模型)', () => {
  it('weights recent weeks, adds appointments by show rate, and grades the load, by hand', () => {
    const f = forecastNextHour({ history, bookedToday: 10, serviceMin: 10, openWindows: 6, waitingNow: 6 });
    // walk-ins: (4·20 + 3·16 + 2·12 + 1·8) / (4+3+2+1) = (80+48+24+8)/10 = 160/10 = 16
    expect(f.expectedWalkIns).toBe(16);
    expect(f.weeksUsed).toBe(4);
    // show rate: checked in 4+4+4+4 = 16 of booked 5+5+5+5 = 20 → 0.8; today 10 booked × 0.8 = 8
    expect(f.showRate).toBe(0.8);
    expect(f.expectedAppointments).toBe(8);
    expect(f.expectedArrivals).toBe(24); // 16 + 8
    expect(f.loadMin).toBe(300); // (6 waiting + 24 arriving) × 10 min
    expect(f.clearMin).toBe(50); // 300 / 6 windows
    expect(f.level).toBe('crowded'); // 30 ≤ 50 < 60
    expect(f.labelZh).toBe('拥挤');
  });

  it('one window fewer reaches 60 minutes a window: saturated (饱和)', () => {
    const f = forecastNextHour({ history, bookedToday: 10, serviceMin: 10, openWindows: 5, waitingNow: 6 });
    expect(f.clearMin).toBe(60); // 300 / 5
    expect(f.level).toBe('saturated');
  });

  it('a closed week (null) is skipped and the other weights renormalise', () => {
    const f = forecastNextHour({
      history: [week(20), null, week(12), week(8)],
      bookedToday: 0,
      serviceMin: 10,
      openWindows: 4,
    });
    // (4·20 + 2·12 + 1·8) / (4+2+1) = (80+24+8)/7 = 112/7 = 16
    expect(f.expectedWalkIns).toBe(16);
    expect(f.weeksUsed).toBe(3);
    expect(f.clearMin).toBe(40); // 16 × 10 / 4
    expect(f.level).toBe('crowded');
  });

  it('uses only the N most recent weeks', () => {
    const f = forecastNextHour({ history, bookedToday: 0, serviceMin: 6, openWindows: 3 }, { weeks: 2 });
    // (2·20 + 1·16) / 3 = 56/3 = 18.67; load 56/3 × 6 = 112; 112/3 = 37.33 → crowded
    expect(f.expectedWalkIns).toBeCloseTo(18.6667, 4);
    expect(f.loadMin).toBeCloseTo(112, 10);
    expect(f.level).toBe('crowded');
  });

  it('no bookings in history: default show rate (1: all come)', () => {
    const f = forecastNextHour({ history: [week(0, 0, 0)], bookedToday: 3, serviceMin: 8, openWindows: 2 });
    expect(f.showRate).toBe(1);
    expect(f.expectedArrivals).toBe(3); // 0 walk-ins + 3 × 1
    expect(f.clearMin).toBe(12); // 3 × 8 / 2
    expect(f.level).toBe('normal');
  });

  it('nobody expected is clear with no clearing time; arrivals with no window are saturated', () => {
    expect(forecastNextHour({ history: [], bookedToday: 0, serviceMin: 8, openWindows: 3 })).toMatchObject({
      expectedArrivals: 0,
      clearMin: null,
      level: 'clear',
    });
    expect(forecastNextHour({ history: [week(2)], bookedToday: 0, serviceMin: 8, openWindows: 0 })).toMatchObject({
      clearMin: null,
      level: 'saturated',
    });
  });

  it('refuses negative or non-finite input', () => {
    expect(() => forecastNextHour({ history: [week(-1)], bookedToday: 0, serviceMin: 8, openWindows: 1 })).toThrow(
      /walkIns/,
    );
    expect(() => forecastNextHour({ history, bookedToday: Number.NaN, serviceMin: 8, openWindows: 1 })).toThrow(
      /bookedToday/,
    );
    expect(() => forecastNextHour({ history, bookedToday: 0, serviceMin: 8, openWindows: 1 }, { weeks: 0 })).toThrow(
      /weeks/,
    );
  });
});
