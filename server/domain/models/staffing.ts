import { HallError } from '../../../contracts/errors.ts';

/**
 * Staffing advice: how many windows to open next hour per hall so that the
 * 90th percentile wait stays under a target — docs/models.md "Staffing advice"; it acts on the
 * pressure model's forecast (seed 001_8e9aa79f8e53624f.txt “好差评”评价结果应用模型:
 * 压力模型, 为…流程优化…提供支撑) and on 004_894aaa4ee2cebbc3.txt lines 1086–1089
 * (效能监督: 实时效能) and line 1058 (人员工作量分析).
 *
 * M/M/c (Erlang C): arrivals Poisson at λ per minute, service exponential
 * with mean s minutes (μ = 1/s), c windows serving one line first come first
 * served. Offered load a = λ·s (Erlangs); stable only when a < c.
 *
 *   Erlang B by recursion   B(0) = 1,  B(k) = a·B(k−1) / (k + a·B(k−1))
 *   Erlang C                C(c, a) = c·B(c) / (c − a·(1 − B(c)))      P(a citizen waits)
 *   wait tail               P(W > t) = C(c, a) · e^(−(c·μ − λ)·t)
 *   q-quantile of the wait  t_q = 0                                  when C ≤ 1 − q
 *                           t_q = ln(C / (1 − q)) / (c·μ − λ)         otherwise
 *
 * Advice = the smallest c ≥ minWindows with t_0.9 ≤ target, capped at the
 * windows the hall has (then meetsTarget is false). The hall's real lines are
 * several queues with class priority, not one FCFS line, and service times are
 * not exponential; the model is a planning approximation — it errs on the
 * cautious side for service times less variable than exponential.
 */

export const DEFAULT_TARGET_P90_MIN = 30; // the over-time wait (>30 min) of the indicator catalog (docs/indicators.md)
export const DEFAULT_QUANTILE = 0.9;

function check(cond: boolean, message: string): void {
  if (!cond) throw new HallError('HALL_ERR_BAD_REQUEST', message);
}

/** P(wait > 0) in M/M/c with c servers and offered load a Erlangs; 1 when a ≥ c (the line grows without bound). */
export function erlangC(c: number, a: number): number {
  check(
    Number.isInteger(c) && c >= 1 && Number.isFinite(a) && a >= 0,
    'servers must be a whole number ≥ 1 and load ≥ 0',
  );
  if (a >= c) return 1;
  let b = 1;
  for (let k = 1; k <= c; k++) b = (a * b) / (k + a * b);
  return (c * b) / (c - a * (1 - b));
}

/** The q-quantile of the wait in minutes; null when c windows cannot keep up (a ≥ c) or there are none. */
export function waitQuantileMin(
  c: number,
  arrivalsPerHour: number,
  meanServiceMin: number,
  q = DEFAULT_QUANTILE,
): number | null {
  check(
    Number.isFinite(arrivalsPerHour) && arrivalsPerHour >= 0 && meanServiceMin > 0 && Number.isFinite(meanServiceMin),
    'arrivals must be ≥ 0 and service time > 0',
  );
  check(q > 0 && q < 1, 'quantile must lie in (0, 1)');
  if (arrivalsPerHour === 0) return 0;
  if (c < 1) return null;
  const lambda = arrivalsPerHour / 60;
  const a = lambda * meanServiceMin;
  if (a >= c) return null;
  const pWait = erlangC(c, a);
  return pWait <= 1 - q ? 0 : Math.log(pWait / (1 - q)) / (c / meanServiceMin - lambda);
}

export interface HallStaffingInput {
  readonly hallId: string;
  /** Expected arrivals next hour (the pressure model's expectedArrivals). */
  readonly arrivalsPerHour: number;
  readonly meanServiceMin: number;
  /** Windows the hall has (the cap). */
  readonly windows: number;
}

export interface StaffingOptions {
  readonly targetP90Min?: number;
  /** Windows kept open even when nobody is expected; default 1. */
  readonly minWindows?: number;
}

export interface StaffingAdvice {
  readonly hallId: string;
  readonly windows: number;
  /** The p90 wait with that many windows; null when they cannot keep up. */
  readonly p90WaitMin: number | null;
  readonly meetsTarget: boolean;
  /** a / c: the share of the hour the advised windows are busy; null with no window. */
  readonly utilisation: number | null;
}

export function staffingAdvice(hall: HallStaffingInput, options: StaffingOptions = {}): StaffingAdvice {
  const target = options.targetP90Min ?? DEFAULT_TARGET_P90_MIN;
  const minWindows = options.minWindows ?? 1;
  check(target >= 0 && Number.isFinite(target), 'targetP90Min must be ≥ 0');
  check(
    Number.isInteger(minWindows) && minWindows >= 0 && Number.isInteger(hall.windows) && hall.windows >= 0,
    'window counts must be whole numbers ≥ 0',
  );
  const a = (hall.arrivalsPerHour / 60) * hall.meanServiceMin;
  const advice = (c: number, p90: number | null): StaffingAdvice => ({
    hallId: hall.hallId,
    windows: c,
    p90WaitMin: p90,
    meetsTarget: p90 !== null && p90 <= target,
    utilisation: c > 0 ? a / c : null,
  });
  // Below a + 1 windows the line is unstable (a ≥ c), so the search starts there.
  let c = Math.min(hall.windows, Math.max(minWindows, hall.arrivalsPerHour > 0 ? Math.floor(a) + 1 : 0));
  let p90 = waitQuantileMin(c, hall.arrivalsPerHour, hall.meanServiceMin);
  while ((p90 === null || p90 > target) && c < hall.windows)
    p90 = waitQuantileMin(++c, hall.arrivalsPerHour, hall.meanServiceMin);
  return advice(c, p90);
}

/** Advice for every hall, in the order given. */
export function staffingAdviceAll(
  halls: readonly HallStaffingInput[],
  options: StaffingOptions = {},
): StaffingAdvice[] {
  return halls.map((h) => staffingAdvice(h, options));
}
