import type { z } from 'zod';
import type { ForecastResponse, forecastQuerySchema } from '../../contracts/index.ts';
import { forecastInputs, type HallHistory } from '../../analytics/forecast-inputs.ts';
import { round2 } from '../../analytics/indicators/evaluate.ts';
import type { StaffPrincipal } from '../domain/access/scope.ts';
import { forecastNextHour, staffingAdvice } from '../domain/models/index.ts';
import { policyOf, type HallDayState, type HallQueueConfig } from '../domain/queue/index.ts';
import { hallsForQuery } from './halls-in-scope.ts';
import type { ReadModelDeps } from './read-model-deps.ts';

/**
 * The pressure model with a next-hour forecast and the staffing advice on
 * the leadership screens (seed 001_8e9aa79f8e53624f.txt “好差评”评价结果应用模型:
 * 压力模型; seed 004_894aaa4ee2cebbc3.txt lines 1086–1089 实时效能): for each
 * hall in scope, the next hour's expected arrivals from the same weekday's
 * same hour of the last 4 weeks, the load and level on the wall's scale with
 * the windows open now and the people waiting now, and how many windows keep
 * the p90 wait under the target (Erlang C; docs/models.md). Appointments
 * have not landed: none are added yet.
 */
export type ForecastQuery = z.output<typeof forecastQuerySchema>;

/** Weeks of same-weekday, same-hour history the forecast reads. */
export const FORECAST_WEEKS = 4;

/** A hall as the live queue shows it now. */
export interface HallNow {
  hallId: string;
  name: string;
  waitingNow: number;
  openWindows: number;
  windows: number;
  defaultServiceMin: number;
}

/** The hour the forecast is for: the next whole hour, or this instant when it is one. */
export const nextHourStart = (nowMs: number): number => Math.ceil(nowMs / 3_600_000) * 3_600_000;

/** People waiting, windows open and configured, and the default service minutes, from the live queue view. Pure. */
export function hallNow(
  hallId: string,
  view: { state: HallDayState; config: HallQueueConfig; hallName: string },
): HallNow {
  return {
    hallId,
    name: view.hallName,
    waitingNow: Object.values(view.state.tickets).filter((t) => t.status === 'waiting').length,
    openWindows: Object.values(view.state.windows).filter((w) => w.status === 'open').length,
    windows: view.config.windows.length,
    defaultServiceMin: policyOf(view.config).defaultServiceMin,
  };
}

/** One hall's forecast and advice; service minutes from history, else the queue's default. Pure. */
export function hallForecast(
  now: HallNow,
  h: HallHistory,
  hourStart: number,
  targetP90Min: number,
  weeks = FORECAST_WEEKS,
): ForecastResponse['halls'][number] {
  const serviceFrom = h.meanServiceMin === null ? ('default' as const) : ('history' as const);
  const serviceMin = h.meanServiceMin ?? now.defaultServiceMin;
  const f = forecastNextHour(
    {
      history: h.walkIns.map((w) => (w === null ? null : { walkIns: w, booked: 0, checkedIn: 0 })),
      bookedToday: 0,
      serviceMin,
      openWindows: now.openWindows,
      waitingNow: now.waitingNow,
    },
    { weeks },
  );
  const s = staffingAdvice(
    { hallId: now.hallId, arrivalsPerHour: f.expectedArrivals, meanServiceMin: serviceMin, windows: now.windows },
    { targetP90Min },
  );
  return {
    hallId: now.hallId,
    name: now.name,
    hourStart: new Date(hourStart).toISOString(),
    waitingNow: now.waitingNow,
    openWindows: now.openWindows,
    windows: now.windows,
    serviceMin: round2(serviceMin),
    serviceFrom,
    history: h.walkIns,
    forecast: {
      weeksUsed: f.weeksUsed,
      expectedWalkIns: round2(f.expectedWalkIns),
      expectedAppointments: round2(f.expectedAppointments),
      expectedArrivals: round2(f.expectedArrivals),
      loadMin: round2(f.loadMin),
      clearMin: f.clearMin === null ? null : round2(f.clearMin),
      level: f.level,
      labelZh: f.labelZh,
    },
    staffing: {
      windows: s.windows,
      p90WaitMin: s.p90WaitMin === null ? null : round2(s.p90WaitMin),
      meetsTarget: s.meetsTarget,
      utilisation: s.utilisation === null ? null : round2(s.utilisation),
    },
  };
}

export async function loadHallForecast(
  deps: ReadModelDeps,
  user: StaffPrincipal,
  q: ForecastQuery,
): Promise<ForecastResponse> {
  const hallIds = await hallsForQuery(deps.db, user, q);
  const hourStart = nextHourStart(deps.clock.now().getTime());
  const history = await forecastInputs(deps.analytics, hallIds, hourStart, FORECAST_WEEKS);
  const views = await Promise.all(hallIds.map((id) => deps.queue.view(id)));
  const halls = hallIds.map((hallId, i) =>
    hallForecast(hallNow(hallId, views[i]!), history.get(hallId)!, hourStart, q.targetP90Min),
  );
  return { hourStart: new Date(hourStart).toISOString(), targetP90Min: q.targetP90Min, halls };
}
