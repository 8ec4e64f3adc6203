import { describe, expect, it } from 'vitest';
import type { HallDayState, HallQueueConfig } from '../domain/queue/index.ts';
import { hallForecast, hallNow, nextHourStart } from './hall-forecast.ts';

const hour = Date.parse('2024-03-11T03:00:00Z');

describe('hall forecast read model (压力模型 next hour, staffing advice)', () => {
  it('the next whole hour, or this one when the clock is on it', () => {
    expect(nextHourStart(Date.parse('2024-03-11T02:15:00Z'))).toBe(hour);
    expect(nextHourStart(hour)).toBe(hour);
  });

  it("the live hall: people waiting, windows open, windows configured, the policy's default service minutes", () => {
    const view = {
      hallName: '一号大厅',
      state: {
        tickets: {
          t1: { status: 'waiting' },
          t2: { status: 'waiting' },
          t3: { status: 'serving' },
          t4: { status: 'done' },
        },
        windows: { w1: { status: 'open' }, w2: { status: 'paused' }, w3: { status: 'open' } },
      } as unknown as HallDayState,
      config: {
        windows: [{ id: 'w1' }, { id: 'w2' }, { id: 'w3' }, { id: 'w4' }],
        policy: { defaultServiceMin: 9 },
      } as unknown as HallQueueConfig,
    };
    expect(hallNow('h1', view)).toEqual({
      hallId: 'h1',
      name: '一号大厅',
      waitingNow: 2,
      openWindows: 2,
      windows: 4,
      defaultServiceMin: 9,
    });
  });

  it("history of the last 4 weeks, weighted toward the latest, on the wall's scale; Erlang C windows for the target", () => {
    const now = { hallId: 'h1', name: '一号大厅', waitingNow: 3, openWindows: 2, windows: 5, defaultServiceMin: 8 };
    // Weeks 12, 12, closed, 12 with weights 4, 3, (1 skipped: closed), 1 → (48 + 36 + 12) / 8 = 12 arrivals.
    // Load (3 waiting + 12) × 10 min = 150; over 2 open windows 75 min → 饱和 (≥ 60).
    // Staffing (docs/models.md worked example): a = 12/60 × 10 = 2; C(3, 2) = 4/9, t_0.9 = 10·ln(40/9) = 14.92 ≤ 15
    // → 3 windows, busy 2/3 of the hour.
    const row = hallForecast(now, { walkIns: [12, 12, null, 12], meanServiceMin: 10 }, hour, 15);
    expect(row).toEqual({
      hallId: 'h1',
      name: '一号大厅',
      hourStart: '2024-03-11T03:00:00.000Z',
      waitingNow: 3,
      openWindows: 2,
      windows: 5,
      serviceMin: 10,
      serviceFrom: 'history',
      history: [12, 12, null, 12],
      forecast: {
        weeksUsed: 3,
        expectedWalkIns: 12,
        expectedAppointments: 0,
        expectedArrivals: 12,
        loadMin: 150,
        clearMin: 75,
        level: 'saturated',
        labelZh: '饱和',
      },
      staffing: { windows: 3, p90WaitMin: 14.92, meetsTarget: true, utilisation: 0.67 },
    });
  });

  it('no history: the default service minutes, nobody expected, one window kept open', () => {
    const now = { hallId: 'h2', name: '二号大厅', waitingNow: 0, openWindows: 0, windows: 3, defaultServiceMin: 8 };
    const row = hallForecast(now, { walkIns: [null, null, null, null], meanServiceMin: null }, hour, 30);
    expect(row).toMatchObject({
      serviceMin: 8,
      serviceFrom: 'default',
      forecast: {
        weeksUsed: 0,
        expectedWalkIns: 0,
        expectedAppointments: 0,
        expectedArrivals: 0,
        loadMin: 0,
        clearMin: null,
        level: 'clear',
        labelZh: '畅通',
      },
      staffing: { windows: 1, p90WaitMin: 0, meetsTarget: true, utilisation: 0 },
    });
  });
});
