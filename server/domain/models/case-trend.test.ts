import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bucketCounts, DAY_MS, forecastError, HOUR_MS, seasonalForecast, trendForecast } from './case-trend.ts';

const at = (day: string, hhmm: string) => Date.parse(`${day}T${hhmm}:00+08:00`);
// Three weeks of daily cases, Monday first: rising week on week, Saturday low, Sunday closed.
const week1 = [10, 12, 14, 16, 18, 5, 0];
const week2 = [12, 14, 16, 18, 20, 6, 0];
const week3 = [14, 16, 18, 20, 22, 7, 0];
const series = [...week1, ...week2, ...week3];

describe('series (办件趋势)', () => {
  it('daily buckets from the local midnight; outside instants are ignored', () => {
    const start = at('2026-11-23', '00:00');
    const times = [
      at('2026-11-23', '00:00'),
      at('2026-11-23', '23:59'),
      at('2026-11-24', '00:00'),
      at('2026-11-22', '23:59'),
      at('2026-11-26', '00:00'),
    ];
    // Mon: 00:00 and 23:59 → 2; Tue: 00:00 → 1; Wed: 0; Sunday before and Thursday after are outside [Mon, Thu)
    expect(bucketCounts(times, start, DAY_MS, 3)).toEqual([2, 1, 0]);
  });

  it('hourly buckets', () => {
    const start = at('2026-11-23', '08:00');
    expect(
      bucketCounts(
        [at('2026-11-23', '08:30'), at('2026-11-23', '08:59'), at('2026-11-23', '09:00')],
        start,
        HOUR_MS,
        3,
      ),
    ).toEqual([2, 1, 0]);
  });
});

describe('seasonal forecast', () => {
  it('seasonal naive (K = 1) repeats the last week, also beyond one season', () => {
    expect(seasonalForecast(series, 7, 9)).toEqual([14, 16, 18, 20, 22, 7, 0, 14, 16]);
  });

  it('seasonal mean of the last K weeks, by hand', () => {
    // K = 2: mean of week2 and week3 → (12+14)/2 = 13, (14+16)/2 = 15, …, (6+7)/2 = 6.5, 0
    expect(seasonalForecast(series, 7, 7, 2)).toEqual([13, 15, 17, 19, 21, 6.5, 0]);
    // K = 5 with only 3 weeks: the 3 there are → (10+12+14)/3 = 12, …
    expect(seasonalForecast(series, 7, 2, 5)).toEqual([12, 14]);
  });

  it('refuses less than one season of history', () => {
    expect(() => seasonalForecast([1, 2, 3], 7, 1)).toThrow(/at least one season/);
  });
});

describe('error on a holdout', () => {
  it('MAE and MAPE (zero actuals left out of MAPE), by hand', () => {
    const t = trendForecast(series, { season: 7, horizon: 7 });
    expect(t.forecast).toEqual(week3); // next week = this week
    expect(t.holdout.actual).toEqual(week3);
    expect(t.holdout.forecast).toEqual(week2); // fitted on weeks 1–2
    // |errors| = 2,2,2,2,2,1,0 → MAE = 11/7
    expect(t.holdout.error.mae).toBeCloseTo(1.571429, 6);
    // MAPE over the 6 non-zero days: (2/14 + 2/16 + 2/18 + 2/20 + 2/22 + 1/7) / 6 × 100 = 0.712734/6 × 100
    expect(t.holdout.error.mape).toBeCloseTo(11.8789, 4);
    expect(t.holdout.error.n).toBe(7);
  });

  it('a two-week mean lags a rising series: larger error, by hand', () => {
    const t = trendForecast(series, { season: 7, horizon: 1, seasons: 2 });
    expect(t.holdout.forecast).toEqual([11, 13, 15, 17, 19, 5.5, 0]); // mean of weeks 1 and 2
    expect(t.holdout.error.mae).toBeCloseTo(2.357143, 6); // (3·5 + 1.5 + 0) / 7 = 16.5/7
    expect(t.holdout.error.mape).toBeCloseTo(17.8184, 4); // (3/14 + 3/16 + 3/18 + 3/20 + 3/22 + 1.5/7) / 6 × 100
  });

  it('no non-zero actual: MAPE is null; empty: both null', () => {
    expect(forecastError([0, 0], [1, 3])).toEqual({ n: 2, mae: 2, mape: null });
    expect(forecastError([], [])).toEqual({ n: 0, mae: null, mape: null });
  });

  it('refuses a holdout that leaves less than a season', () => {
    expect(() => trendForecast(week1, { season: 7, horizon: 7 })).toThrow(/holdout/);
  });

  it('property: a strictly periodic series is forecast with zero holdout error', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat(100), { minLength: 1, maxLength: 24 }),
        fc.integer({ min: 2, max: 4 }),
        fc.integer({ min: 1, max: 3 }),
        (pattern, reps, seasons) => {
          const s = Array.from({ length: pattern.length * reps }, (_, i) => pattern[i % pattern.length]!);
          const t = trendForecast(s, { season: pattern.length, horizon: pattern.length, seasons });
          expect(t.holdout.error.mae).toBe(0);
          expect(t.forecast).toEqual(pattern);
        },
      ),
    );
  });
});
