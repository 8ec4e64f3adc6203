/**
 * Periods of the leadership screens and the hall operation report, in hall
 * days. The demo halls (and the server's HALL_TZ default) keep Asia/Shanghai
 * time, which has no daylight saving: a fixed +08:00 offset is exact.
 */
export const HALL_OFFSET_MIN = 8 * 60;
const DAY_MS = 86_400_000;

export type PeriodPreset = 'today' | '7d' | '30d';
export const PERIOD_PRESETS: readonly PeriodPreset[] = ['today', '7d', '30d'];
export interface Period {
  from: string;
  to: string;
  bucket: 'day' | 'hour';
}

/** The start (UTC instant) of the hall day that holds `at`, moved `days` days. */
export function hallDayStart(at: Date, days = 0): Date {
  const local = at.getTime() + HALL_OFFSET_MIN * 60_000;
  return new Date(Math.floor(local / DAY_MS) * DAY_MS - HALL_OFFSET_MIN * 60_000 + days * DAY_MS);
}

/** YYYY-MM-DD of the hall day that holds `at`. */
export function hallDate(at: Date): string {
  return new Date(at.getTime() + HALL_OFFSET_MIN * 60_000).toISOString().slice(0, 10);
}

/** The UTC instant at which hall day `ymd` starts; null for a malformed date. */
export function dateStart(ymd: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(ymd)) return null;
  const t = Date.parse(`${ymd}T00:00:00+08:00`);
  return Number.isFinite(t) ? new Date(t) : null;
}

/**
 * "Now" as the screens send it: the last whole PERIOD_END_STEP_MS. Leaders who open the screen
 * at 9:00 together then ask the same question, and the server answers it once
 * (server/queries/shared-reads.ts) instead of once per leader.
 */
export const PERIOD_END_STEP_MS = 10_000;

/** Today: hall day so far, by hour (004 常态化监测 real time); 7 and 30 days: whole hall days up to now, by day. */
export function periodOf(preset: PeriodPreset, now: Date = new Date()): Period {
  const days = preset === 'today' ? 0 : preset === '7d' ? 6 : 29;
  const end = new Date(Math.floor(now.getTime() / PERIOD_END_STEP_MS) * PERIOD_END_STEP_MS);
  return {
    from: hallDayStart(now, -days).toISOString(),
    to: end.toISOString(),
    bucket: preset === 'today' ? 'hour' : 'day',
  };
}

/**
 * The report's period from its URL (hall days, both included). Defaults to
 * the last 7 days; `to` never lies past `now`, so "state" indicators (waiting
 * now, windows open) read the present rather than an empty future day.
 */
export function reportPeriod(
  from: string | undefined,
  to: string | undefined,
  now: Date = new Date(),
): { fromDate: string; toDate: string; from: string; to: string } {
  const toStart = (to && dateStart(to)) || hallDayStart(now);
  const fromStart = (from && dateStart(from)) || new Date(toStart.getTime() - 6 * DAY_MS);
  const end = Math.min(toStart.getTime() + DAY_MS, now.getTime());
  return {
    fromDate: hallDate(fromStart),
    toDate: hallDate(toStart),
    from: fromStart.toISOString(),
    to: new Date(Math.max(end, fromStart.getTime() + 1)).toISOString(),
  };
}

/** Every bucket label between from and to, so days without events draw as zero instead of vanishing from the axis. */
export function bucketsOf(p: { from: string; to: string; bucket: 'day' | 'hour' }): string[] {
  const out: string[] = [];
  const start = Date.parse(p.from);
  const end = Date.parse(p.to);
  if (p.bucket === 'day') {
    for (let t = hallDayStart(new Date(start)).getTime(); t < end && out.length < 400; t += DAY_MS)
      out.push(hallDate(new Date(t)));
  } else {
    for (let t = Math.floor(start / 3_600_000) * 3_600_000; t < end && out.length < 400; t += 3_600_000)
      out.push(new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z'));
  }
  return out;
}

/** Axis label of a bucket: MM-DD for a day, HH:00 hall time for an hour. */
export function bucketLabel(t: string, bucket: 'day' | 'hour'): string {
  if (bucket === 'day') return t.slice(5, 10);
  const ms = Date.parse(t);
  return Number.isFinite(ms) ? `${new Date(ms + HALL_OFFSET_MIN * 60_000).toISOString().slice(11, 13)}:00` : t;
}

/** The parent region of a GB/T 2260 code: village (12) → town (9) → county (6) → city (xxxx00) → province (xx0000). */
export function parentRegion(code: string): string | null {
  if (code.length === 12) return code.slice(0, 9);
  if (code.length === 9) return code.slice(0, 6);
  if (code.length === 6 && !code.endsWith('0000'))
    return code.endsWith('00') ? `${code.slice(0, 2)}0000` : `${code.slice(0, 4)}00`;
  return null;
}

/** The codes from the scope's top region down to `code` (both included); just [code] when it is not under the top. */
export function regionChain(code: string, top: string | null): string[] {
  const up: string[] = [];
  for (let c: string | null = code; c !== null && up.length < 6; c = parentRegion(c)) {
    up.push(c);
    if (c === top) return up.reverse();
  }
  return [code];
}
