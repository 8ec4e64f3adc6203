import { policyOf, type HallQueueConfig } from './config.ts';
import type { HallDayState } from './state.ts';
import { serviceStats } from './wait-estimate.ts';

/**
 * The hall's live pressure value (压力值 on the console, 001 §1.1.1.16; the full pressure
 * model with its forecast: docs/models.md, DOMAIN.md "Indicators and models"):
 *
 *   load     = minutes of service waiting = Σ over waiting tickets of the
 *              median service time of their queue (recent K completions)
 *   capacity = open windows (each serves one citizen at a time)
 *   value    = load / capacity = minutes the hall needs to clear its line with
 *              the windows open now; no open window with people waiting → ∞
 *              shown as the top level.
 *
 * Levels (畅通 / 正常 / 繁忙 / 拥挤 / 饱和) by clearing time: < 10, < 20, < 30
 * (the over-time wait of DOMAIN.md), < 60 minutes, and beyond. A pure function
 * of the state so the console, the wall and the pressure model agree on today.
 */
export type PressureLevel = 'clear' | 'normal' | 'busy' | 'crowded' | 'saturated';
export const PRESSURE_LEVELS: readonly PressureLevel[] = ['clear', 'normal', 'busy', 'crowded', 'saturated'];
export const PRESSURE_LABELS_ZH: Readonly<Record<PressureLevel, string>> = {
  clear: '畅通',
  normal: '正常',
  busy: '繁忙',
  crowded: '拥挤',
  saturated: '饱和',
};
/** Upper bounds (exclusive) of 畅通, 正常, 繁忙, 拥挤 in clearing minutes; beyond the last is 饱和. */
export const PRESSURE_BOUNDS_MIN: readonly number[] = [10, 20, 30, 60];

/** The level of a clearing time: the one rule the wall, the console and the pressure forecast share. */
export function pressureLevelOfClearMin(clearMin: number): PressureLevel {
  const i = PRESSURE_BOUNDS_MIN.findIndex((b) => clearMin < b);
  return PRESSURE_LEVELS[i === -1 ? PRESSURE_LEVELS.length - 1 : i]!;
}

export interface Pressure {
  readonly waiting: number;
  readonly openWindows: number;
  readonly loadMin: number;
  /** Minutes to clear the line with the open windows; null when nobody waits. */
  readonly clearMin: number | null;
  readonly level: PressureLevel;
}

export function hallPressure(state: HallDayState, config: HallQueueConfig): Pressure {
  const policy = policyOf(config);
  const median = new Map<string, number>();
  let waiting = 0;
  let loadMin = 0;
  for (const t of Object.values(state.tickets)) {
    if (t.status !== 'waiting') continue;
    waiting++;
    let m = median.get(t.queueId);
    if (m === undefined)
      median.set(
        t.queueId,
        (m = serviceStats(state.recentServiceMin[t.queueId] ?? [], policy.defaultServiceMin).medianMin),
      );
    loadMin += m;
  }
  const openWindows = Object.values(state.windows).filter((w) => w.status === 'open').length;
  if (waiting === 0) return { waiting, openWindows, loadMin: 0, clearMin: null, level: 'clear' };
  if (openWindows === 0) return { waiting, openWindows, loadMin, clearMin: null, level: 'saturated' };
  const clearMin = loadMin / openWindows;
  return { waiting, openWindows, loadMin, clearMin, level: pressureLevelOfClearMin(clearMin) };
}
