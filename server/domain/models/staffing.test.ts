import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DEFAULT_TARGET_P90_MIN, erlangC, staffingAdvice, staffingAdviceAll, waitQuantileMin } from './staffing.ts';

// 12 arrivals an hour, 10 minutes each: λ = 0.2/min, a = λ·s = 2 Erlangs.
const hall = { hallId: 'h-east', arrivalsPerHour: 12, meanServiceMin: 10, windows: 6 };

describe('Erlang C (M/M/c)', () => {
  it('the textbook value C(2, 1) = 1/3', () => {
    // B(1) = 1/2, B(2) = 0.5 / 2.5 = 0.2; C = 2·0.2 / (2 − 1·0.8) = 0.4/1.2
    expect(erlangC(2, 1)).toBeCloseTo(1 / 3, 12);
  });

  it('a = 2 Erlangs on 3, 4, 5 servers, by hand', () => {
    // B(3) = 4/19 → C = (12/19) / (3 − 2·15/19) = 12/27 = 4/9
    expect(erlangC(3, 2)).toBeCloseTo(4 / 9, 12);
    // B(4) = 2/21 → C = (8/21) / (4 − 2·19/21) = 8/46 = 4/23
    expect(erlangC(4, 2)).toBeCloseTo(4 / 23, 12);
    // B(5) = 4/109 → C = (20/109) / (5 − 2·105/109) = 20/335 = 4/67
    expect(erlangC(5, 2)).toBeCloseTo(4 / 67, 12);
    expect(erlangC(2, 2)).toBe(1); // a ≥ c: everybody waits, the line grows
  });

  it('p90 wait, by hand', () => {
    // c = 3: ln((4/9)/0.1) / (3/10 − 0.2) = 10·ln(40/9) = 10 × 1.491655
    expect(waitQuantileMin(3, 12, 10)).toBeCloseTo(14.91655, 5);
    // c = 4: ln((4/23)/0.1) / (0.4 − 0.2) = 5·ln(40/23) = 5 × 0.5533852
    expect(waitQuantileMin(4, 12, 10)).toBeCloseTo(2.766926, 5);
    expect(waitQuantileMin(5, 12, 10)).toBe(0); // C = 0.0597 ≤ 0.1: 90 % do not wait at all
    expect(waitQuantileMin(2, 12, 10)).toBeNull(); // a = c = 2: unstable
    expect(waitQuantileMin(0, 0, 10)).toBe(0);
  });
});

describe('staffing advice', () => {
  it('smallest window count meeting the target, by hand', () => {
    expect(DEFAULT_TARGET_P90_MIN).toBe(30);
    expect(staffingAdvice(hall, { targetP90Min: 15 })).toMatchObject({ windows: 3, meetsTarget: true }); // 14.92 ≤ 15
    expect(staffingAdvice(hall, { targetP90Min: 10 })).toMatchObject({
      windows: 4,
      meetsTarget: true,
      utilisation: 0.5,
    }); // 2.77 ≤ 10; 2/4
    expect(staffingAdvice(hall, { targetP90Min: 0 })).toMatchObject({ windows: 5, p90WaitMin: 0, meetsTarget: true });
  });

  it('capped at the windows the hall has', () => {
    const a = staffingAdvice({ ...hall, windows: 3 }, { targetP90Min: 10 });
    expect(a).toMatchObject({ windows: 3, meetsTarget: false });
    expect(a.p90WaitMin).toBeCloseTo(14.91655, 5);
    expect(staffingAdvice({ ...hall, windows: 2 }, { targetP90Min: 10 })).toMatchObject({
      windows: 2,
      p90WaitMin: null,
      meetsTarget: false,
    });
  });

  it('nobody expected: the minimum kept open; per hall in order', () => {
    expect(
      staffingAdviceAll(
        [
          { ...hall, arrivalsPerHour: 0 },
          { ...hall, hallId: 'h-west', arrivalsPerHour: 0 },
        ],
        { minWindows: 1 },
      ),
    ).toEqual([
      { hallId: 'h-east', windows: 1, p90WaitMin: 0, meetsTarget: true, utilisation: 0 },
      { hallId: 'h-west', windows: 1, p90WaitMin: 0, meetsTarget: true, utilisation: 0 },
    ]);
  });

  it('refuses a bad target or window count', () => {
    expect(() => staffingAdvice(hall, { targetP90Min: -1 })).toThrow(/target/);
    expect(() => staffingAdvice({ ...hall, windows: 2.5 })).toThrow(/window/);
  });

  it('property: never above the windows, non-decreasing in arrivals, non-increasing in the target', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 200 }),
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 0, max: 30 }),
        (arrivals, more, service, windows, target, looser) => {
          const h = { hallId: 'h', arrivalsPerHour: arrivals, meanServiceMin: service, windows };
          const a = staffingAdvice(h, { targetP90Min: target });
          expect(a.windows).toBeLessThanOrEqual(windows);
          expect(
            staffingAdvice({ ...h, arrivalsPerHour: arrivals + more }, { targetP90Min: target }).windows,
          ).toBeGreaterThanOrEqual(a.windows);
          expect(staffingAdvice(h, { targetP90Min: target + looser }).windows).toBeLessThanOrEqual(a.windows);
          if (a.meetsTarget) expect(a.p90WaitMin!).toBeLessThanOrEqual(target);
          else expect(a.windows).toBe(windows);
        },
      ),
    );
  });
});
