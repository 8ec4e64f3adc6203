import { HallError } from '../../../contracts/errors.ts';
import {
  PRESSURE_BOUNDS_MIN,
  PRESSURE_LABELS_ZH,
  pressureLevelOfClearMin,
  type PressureLevel,
} from '../queue/pressure.ts';

/**
 * Pressure model (压力模型) — seed 001_8e9aa79f8e53624f.txt “好差评”评价结果应用模型
 * (主要模型包括: 压力模型 …) and §1.1.1.16 (the caller shows 压力值); seed
 * 004_894aaa4ee2cebbc3.txt line 1055 (预约叫号情况) for the appointments it adds.
 *
 * The wall's live value is `hallPressure` (server/domain/queue/pressure.ts):
 * clearing time = minutes of service waiting / open windows, levels by
 * < 10, < 20, < 30, < 60 minutes and beyond. This file adds the NEXT-HOUR
 * forecast on the same scale, so a forecast 繁忙 means what the wall's 繁忙 means.
 *
 *   expectedWalkIns = Σ_k w_k · walkIns_k / Σ_k w_k      k = 0 … N−1, most recent week first,
 *                                                        w_k = N − k (linear: last week counts N times the oldest)
 *   showRate        = Σ_k checkedIn_k / Σ_k booked_k     (same weeks; defaultShowRate when nothing was booked)
 *   expectedArrivals = expectedWalkIns + bookedToday · showRate
 *   loadMin          = (waitingNow + expectedArrivals) · serviceMin
 *   clearMin         = loadMin / openWindows             (null when nobody or no window)
 *   level            = the wall's level of clearMin; 60 minutes = every open window busy the whole hour → 饱和
 *
 * Weeks with no data (null: hall closed, holiday) are skipped and the weights
 * of the remaining weeks renormalise, so a closed week does not drag the
 * forecast to zero.
 */

// The bounds and the level rule are the wall's own (server/domain/queue/pressure.ts), imported, not copied.
export { PRESSURE_BOUNDS_MIN };

/** The wall's level rule: nobody → 畅通; people and no window → 饱和; else by clearing minutes. */
export function pressureLevelOf(people: number, loadMin: number, openWindows: number): PressureLevel {
  if (people <= 0) return 'clear';
  if (openWindows <= 0) return 'saturated';
  return pressureLevelOfClearMin(loadMin / openWindows);
}

/** One past week, same weekday, same hour. */
export interface SameHourWeek {
  /** Tickets taken without an appointment (现场取号). */
  readonly walkIns: number;
  /** Appointments booked for that hour and how many of them checked in (预约取号, 001 §1.1.1.15 2)). */
  readonly booked: number;
  readonly checkedIn: number;
}

export interface NextHourInput {
  /** Most recent week first; null = no data that week (closed, holiday). */
  readonly history: readonly (SameHourWeek | null)[];
  /** Appointments booked today for the hour (001 §1.1.1.14). */
  readonly bookedToday: number;
  /** Service minutes per citizen: the queue median, as hallPressure uses. */
  readonly serviceMin: number;
  /** Windows planned open in the hour. */
  readonly openWindows: number;
  /** People waiting now, carried into the hour; default 0. */
  readonly waitingNow?: number;
}

export interface ForecastOptions {
  /** Weeks of history used, N; default 4. */
  readonly weeks?: number;
  /** Share of booked appointments expected to come when history has no bookings; default 1 (assume all come: the cautious side). */
  readonly defaultShowRate?: number;
}

export interface NextHourForecast {
  readonly weeksUsed: number;
  readonly expectedWalkIns: number;
  readonly showRate: number;
  readonly expectedAppointments: number;
  readonly expectedArrivals: number;
  readonly loadMin: number;
  readonly clearMin: number | null;
  readonly level: PressureLevel;
  readonly labelZh: string;
}

function nonNegative(name: string, v: number): void {
  if (!Number.isFinite(v) || v < 0) throw new HallError('HALL_ERR_BAD_REQUEST', `${name} must be a finite number ≥ 0`);
}

/** @example forecastNextHour({ history: [{walkIns: 20, booked: 5, checkedIn: 4}], bookedToday: 10, serviceMin: 10, openWindows: 5 }) */
export function forecastNextHour(input: NextHourInput, options: ForecastOptions = {}): NextHourForecast {
  const n = options.weeks ?? 4;
  const defaultShowRate = options.defaultShowRate ?? 1;
  if (!Number.isInteger(n) || n < 1) throw new HallError('HALL_ERR_BAD_REQUEST', 'weeks must be a positive integer');
  if (!(defaultShowRate >= 0 && defaultShowRate <= 1))
    throw new HallError('HALL_ERR_BAD_REQUEST', 'defaultShowRate must lie in [0, 1]');
  const waitingNow = input.waitingNow ?? 0;
  for (const [name, v] of [
    ['bookedToday', input.bookedToday],
    ['serviceMin', input.serviceMin],
    ['openWindows', input.openWindows],
    ['waitingNow', waitingNow],
  ] as const)
    nonNegative(name, v);

  let weightSum = 0,
    walkIns = 0,
    booked = 0,
    checkedIn = 0,
    weeksUsed = 0;
  input.history.slice(0, n).forEach((week, k) => {
    if (week === null) return;
    nonNegative('walkIns', week.walkIns);
    nonNegative('booked', week.booked);
    nonNegative('checkedIn', week.checkedIn);
    const w = n - k;
    weightSum += w;
    walkIns += w * week.walkIns;
    booked += week.booked;
    checkedIn += week.checkedIn;
    weeksUsed++;
  });
  const expectedWalkIns = weightSum > 0 ? walkIns / weightSum : 0;
  // A check-in beyond the booking (late booking the same hour) must not make the rate exceed 1.
  const showRate = booked > 0 ? Math.min(1, checkedIn / booked) : defaultShowRate;
  const expectedAppointments = input.bookedToday * showRate;
  const expectedArrivals = expectedWalkIns + expectedAppointments;
  const people = waitingNow + expectedArrivals;
  const loadMin = people * input.serviceMin;
  const clearMin = people > 0 && input.openWindows > 0 ? loadMin / input.openWindows : null;
  const level = pressureLevelOf(people, loadMin, input.openWindows);
  return {
    weeksUsed,
    expectedWalkIns,
    showRate,
    expectedAppointments,
    expectedArrivals,
    loadMin,
    clearMin,
    level,
    labelZh: PRESSURE_LABELS_ZH[level],
  };
}
