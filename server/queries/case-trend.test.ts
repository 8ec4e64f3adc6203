import { describe, expect, it } from 'vitest';
import { caseTrendPeriod, caseTrendResponse } from './case-trend.ts';

describe('case trend read model (办件趋势)', () => {
  it("the whole hall days before today, from the first day's local midnight to today's", () => {
    // 2024-03-10 10:00 in Shanghai (UTC+8): today is 03-10; 14 days back is 02-25 (2024 is a leap year).
    const p = caseTrendPeriod(new Date('2024-03-10T02:00:00Z'), 'Asia/Shanghai', 14);
    expect(p.today).toBe('2024-03-10');
    expect(p.days).toHaveLength(14);
    expect([p.days[0], p.days[13]]).toEqual(['2024-02-25', '2024-03-09']);
    expect([p.from, p.to]).toEqual(['2024-02-24T16:00:00.000Z', '2024-03-09T16:00:00.000Z']);
  });

  it('a zone ahead of UTC by more than half a day: local midnight is the day before in UTC', () => {
    // 2024-03-10 01:00Z is 14:00 in Auckland (UTC+13, daylight time): today is 03-10, its midnight 03-09 11:00Z.
    const p = caseTrendPeriod(new Date('2024-03-10T01:00:00Z'), 'Pacific/Auckland', 14);
    expect([p.days[0], p.days[13], p.to]).toEqual(['2024-02-25', '2024-03-09', '2024-03-09T11:00:00.000Z']);
    expect(p.from).toBe('2024-02-24T11:00:00.000Z');
  });

  it('series with missing days as 0, the seasonal forecast from today on with ± MAE, the last week as holdout', () => {
    const p = caseTrendPeriod(new Date('2024-03-10T02:00:00Z'), 'Asia/Shanghai', 14);
    const week1 = [0, 2, 3, 4, 5, 6, 7];
    const week2 = [2, 2, 3, 4, 5, 6, 9];
    // 02-25 has no count at all: it is 0 in the series.
    const counts = new Map(
      p.days.map((d, i) => [d, i < 7 ? week1[i]! : week2[i - 7]!] as const).filter(([, n]) => n > 0),
    );
    const body = caseTrendResponse({ measure: 'cases', horizon: 2, seasons: 1 }, p, counts);
    expect(body.series.map((x) => x.value)).toEqual([...week1, ...week2]);
    expect(body.series[0]).toEqual({ day: '2024-02-25', value: 0 });
    // Holdout: week 2 forecast by week 1 (seasonal naive): errors 2, 0, 0, 0, 0, 0, 2 → MAE 4/7 = 0.57;
    // MAPE (2/2 + 2/9) / 7 × 100 = 1100/63 = 17.46.
    expect(body.holdout).toEqual({
      days: p.days.slice(7),
      actual: week2,
      forecast: week1,
      n: 7,
      mae: 0.57,
      mape: 17.46,
    });
    // Next two days (a Sunday and a Monday) = last week's Sunday and Monday: 2 and 2; band 2 ∓ 4/7.
    expect(body.forecast).toEqual([
      { day: '2024-03-10', value: 2, low: 1.43, high: 2.57 },
      { day: '2024-03-11', value: 2, low: 1.43, high: 2.57 },
    ]);
    expect([body.measure, body.season, body.seasons]).toEqual(['cases', 7, 1]);
  });

  it('the band does not go below 0', () => {
    const p = caseTrendPeriod(new Date('2024-03-10T02:00:00Z'), 'Asia/Shanghai', 14);
    // Week 1 all 10, week 2 all 0: holdout MAE 10; the forecast (0) has a band of 0 … 10.
    const counts = new Map(p.days.slice(0, 7).map((d) => [d, 10]));
    const body = caseTrendResponse({ measure: 'taken', horizon: 1, seasons: 1 }, p, counts);
    expect(body.forecast).toEqual([{ day: '2024-03-10', value: 0, low: 0, high: 10 }]);
    expect([body.holdout.mae, body.holdout.mape]).toEqual([10, null]);
  });
});
