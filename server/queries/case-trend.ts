import type { z } from 'zod';
import type { CaseTrendResponse, caseTrendQuerySchema } from '../../contracts/index.ts';
import { dailyCounts } from '../../analytics/model-inputs.ts';
import { round2 } from '../../analytics/indicators/evaluate.ts';
import type { StaffPrincipal } from '../domain/access/scope.ts';
import { hallDay, minuteOfDay } from '../domain/hall-time.ts';
import { DAY_MS, trendForecast } from '../domain/models/index.ts';
import { hallsForQuery } from './halls-in-scope.ts';
import type { ReadModelDeps } from './read-model-deps.ts';

/**
 * 办件趋势 (seed 001_8e9aa79f8e53624f.txt “好差评”评价结果应用模型: 办件趋势模型;
 * seed 004_894aaa4ee2cebbc3.txt line 1058 部门办件分析, 大厅运行研判报告):
 * cases (or tickets) per hall day over the last `days` whole days, the
 * seasonal mean of the last `seasons` weeks for the next `horizon` days
 * (server/domain/models/case-trend.ts), and its error on the last week
 * hidden. docs/models.md "On the screens".
 */
export type CaseTrendQuery = z.output<typeof caseTrendQuerySchema>;

/** The whole hall days of the series (labels YYYY-MM-DD), today's label, and the instants the series spans. */
export interface CaseTrendPeriod {
  days: string[];
  today: string;
  from: string;
  to: string;
}

const r2 = (v: number | null) => (v === null ? null : round2(v));
/** The hall day `i` days after a YYYY-MM-DD label. */
const dayAfter = (label: string, i: number) =>
  new Date(Date.parse(`${label}T00:00:00Z`) + i * DAY_MS).toISOString().slice(0, 10);

/** The `days` whole hall days before today (today is still running), from the first day's local midnight to today's. Pure. */
export function caseTrendPeriod(now: Date, tz: string, days: number): CaseTrendPeriod {
  // Hall days by their UTC-midnight label; the period runs from the first day's local midnight to today's.
  const today = hallDay(now, tz);
  const localMidnight = (label: string) => {
    const noon = new Date(`${label}T12:00:00Z`);
    return (
      noon.getTime() -
      minuteOfDay(noon, tz) * 60_000 -
      (hallDay(noon, tz) > label ? DAY_MS : hallDay(noon, tz) < label ? -DAY_MS : 0)
    );
  };
  const labels = Array.from({ length: days }, (_, i) => dayAfter(today, i - days));
  return {
    days: labels,
    today,
    from: new Date(localMidnight(labels[0]!)).toISOString(),
    to: new Date(localMidnight(today)).toISOString(),
  };
}

/** The series (a day without any count is 0), the forecast from today on with ± the holdout's MAE, and the holdout. Pure. */
export function caseTrendResponse(
  q: Pick<CaseTrendQuery, 'measure' | 'horizon' | 'seasons'>,
  period: CaseTrendPeriod,
  counts: ReadonlyMap<string, number>,
): CaseTrendResponse {
  const { days } = period;
  const series = days.map((d) => counts.get(d) ?? 0);
  const season = 7;
  const f = trendForecast(series, { season, horizon: q.horizon, seasons: q.seasons });
  const mae = f.holdout.error.mae ?? 0;
  return {
    measure: q.measure,
    season,
    seasons: q.seasons,
    series: days.map((day, i) => ({ day, value: series[i]! })),
    forecast: f.forecast.map((v, i) => ({
      day: dayAfter(period.today, i),
      value: round2(v),
      low: round2(Math.max(0, v - mae)),
      high: round2(v + mae),
    })),
    holdout: {
      days: days.slice(days.length - f.holdout.actual.length),
      actual: f.holdout.actual,
      forecast: f.holdout.forecast.map(round2),
      n: f.holdout.error.n,
      mae: r2(f.holdout.error.mae),
      mape: r2(f.holdout.error.mape),
    },
  };
}

export async function loadCaseTrend(
  deps: ReadModelDeps,
  user: StaffPrincipal,
  q: CaseTrendQuery,
): Promise<CaseTrendResponse> {
  const hallIds = await hallsForQuery(deps.db, user, q);
  const tz = deps.config.HALL_TZ;
  const period = caseTrendPeriod(deps.clock.now(), tz, q.days);
  const counts = await dailyCounts(deps.analytics, { hallIds, from: period.from, to: period.to, tz }, q.measure);
  return caseTrendResponse(q, period, counts);
}
