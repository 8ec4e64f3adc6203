import { HallError } from '../../../contracts/errors.ts';

/**
 * Case trend (办件趋势) — seed 001_8e9aa79f8e53624f.txt “好差评”评价结果应用模型
 * (办件趋势模型); seed 004_894aaa4ee2cebbc3.txt line 1058 (部门办件分析、高频事项分析、
 * 大厅运行研判报告), where a report shows where volume is heading.
 *
 * Series: counts per bucket of fixed length from a start instant —
 * `bucketCounts(times, dayStart, DAY_MS, 28)` for 28 days, `HOUR_MS` for hours.
 * The start is the hall's local midnight (server/domain/hall-time.ts); China
 * has no daylight saving, so every local day is 24 hours.
 *
 * Forecast: seasonal mean with season s over the last K seasons
 *   ŷ_t = mean of y_{t − s·j} for the K most recent observed j ≥ 1 at the same phase (t mod s)
 * K = 1 is the seasonal naive forecast (next Monday = last Monday). Halls
 * follow the week (s = 7 for days; s = 24 for hours of a day, s = 168 for
 * hours of a week), and a mean of a few weeks keeps one holiday from being copied
 * forward. Holt–Winters was left out on purpose: three smoothing parameters to
 * fit, for little gain over a weekly mean on counts this regular.
 *
 * Error on a holdout: the last h points are hidden, forecast from the rest,
 *   MAE  = Σ |y − ŷ| / h
 *   MAPE = Σ_{y ≠ 0} |y − ŷ| / |y| / #{y ≠ 0} × 100     (null when every actual is 0:
 *          closed days and night hours have no percentage error)
 */

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** Counts of instants (epoch ms) in [start + i·step, start + (i+1)·step), i < length; others are ignored. */
export function bucketCounts(instantsMs: readonly number[], startMs: number, stepMs: number, length: number): number[] {
  if (!(stepMs > 0) || !Number.isInteger(length) || length < 0)
    throw new HallError('HALL_ERR_BAD_REQUEST', 'step must be positive and length a whole number');
  const out = new Array<number>(length).fill(0);
  for (const t of instantsMs) {
    const i = Math.floor((t - startMs) / stepMs);
    if (i >= 0 && i < length) out[i]!++;
  }
  return out;
}

/** The next `horizon` values after `history` by the seasonal mean of the last `seasons` seasons (1 = seasonal naive). */
export function seasonalForecast(history: readonly number[], season: number, horizon: number, seasons = 1): number[] {
  if (
    !Number.isInteger(season) ||
    season < 1 ||
    !Number.isInteger(seasons) ||
    seasons < 1 ||
    !Number.isInteger(horizon) ||
    horizon < 0
  ) {
    throw new HallError(
      'HALL_ERR_BAD_REQUEST',
      'season, seasons and horizon must be whole numbers (season, seasons ≥ 1)',
    );
  }
  if (history.length < season)
    throw new HallError(
      'HALL_ERR_BAD_REQUEST',
      `a seasonal forecast needs at least one season (${season}) of history, got ${history.length}`,
    );
  const n = history.length;
  const out: number[] = [];
  for (let t = n; t < n + horizon; t++) {
    // Most recent observed index at the same phase: t − s·⌈(t − (n − 1)) / s⌉; then one season back each time.
    let i = t - season * Math.ceil((t - (n - 1)) / season);
    let sum = 0,
      k = 0;
    for (; k < seasons && i >= 0; k++, i -= season) sum += history[i]!;
    out.push(sum / k);
  }
  return out;
}

export interface ForecastError {
  readonly n: number;
  readonly mae: number | null;
  readonly mape: number | null;
}

export function forecastError(actual: readonly number[], forecast: readonly number[]): ForecastError {
  if (actual.length !== forecast.length)
    throw new HallError('HALL_ERR_BAD_REQUEST', 'actual and forecast differ in length');
  let abs = 0,
    pct = 0,
    nonZero = 0;
  actual.forEach((y, i) => {
    const e = Math.abs(y - forecast[i]!);
    abs += e;
    if (y !== 0) {
      pct += e / Math.abs(y);
      nonZero++;
    }
  });
  const n = actual.length;
  return { n, mae: n > 0 ? abs / n : null, mape: nonZero > 0 ? (pct / nonZero) * 100 : null };
}

export interface TrendOptions {
  /** 7 for a daily series (weekly season), 24 or 168 for hourly. */
  readonly season: number;
  readonly horizon: number;
  /** Points hidden at the end to measure the error; default one season. */
  readonly holdout?: number;
  /** Seasons averaged; default 1 (seasonal naive). */
  readonly seasons?: number;
}

export interface TrendForecast {
  /** The next `horizon` points after the whole series. */
  readonly forecast: number[];
  /** The same method fitted without the last `holdout` points, against them. */
  readonly holdout: { readonly actual: number[]; readonly forecast: number[]; readonly error: ForecastError };
}

export function trendForecast(series: readonly number[], options: TrendOptions): TrendForecast {
  const h = options.holdout ?? options.season;
  const seasons = options.seasons ?? 1;
  if (!Number.isInteger(h) || h < 1 || series.length - h < options.season) {
    throw new HallError(
      'HALL_ERR_BAD_REQUEST',
      `the holdout (${h}) must leave at least one season (${options.season}) of history`,
    );
  }
  const fit = series.slice(0, series.length - h);
  const actual = series.slice(series.length - h);
  const back = seasonalForecast(fit, options.season, h, seasons);
  return {
    forecast: seasonalForecast(series, options.season, options.horizon, seasons),
    holdout: { actual, forecast: back, error: forecastError(actual, back) },
  };
}
