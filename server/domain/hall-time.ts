/**
 * A hall's day and time of day in its own time zone: ticket numbers restart
 * each hall day (001 §1.1.1.16), and ticketing hours are local times.
 */
const fmtCache = new Map<string, Intl.DateTimeFormat>();
function parts(at: Date, tz: string) {
  let f = fmtCache.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone: tz,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    fmtCache.set(tz, f);
  }
  const o: Record<string, string> = {};
  for (const p of f.formatToParts(at)) o[p.type] = p.value;
  return o;
}

/** @example hallDay(new Date('2026-11-22T17:30:00Z'), 'Asia/Shanghai') // '2026-11-23' */
export function hallDay(at: Date, tz: string): string {
  const p = parts(at, tz);
  return `${p.year}-${p.month}-${p.day}`;
}

/** Minutes since local midnight. */
export function minuteOfDay(at: Date, tz: string): number {
  const p = parts(at, tz);
  return Number(p.hour) * 60 + Number(p.minute);
}

/** 'HH:MM[:SS]' → minutes; '24:00' is the end of the day. */
export function parseTimeOfDay(t: string): number {
  const [h, m] = t.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/**
 * A period of whole hall days: it starts at a hall midnight and ends at one,
 * or at `now` or later (today so far) — the leadership screens' periods. Daily
 * aggregates then count exactly the period (analytics/model-inputs.ts).
 */
export function isWholeHallDays(from: Date, to: Date, now: Date, tz: string): boolean {
  const midnight = (d: Date) => d.getTime() % 60_000 === 0 && minuteOfDay(d, tz) === 0;
  return midnight(from) && (midnight(to) || to.getTime() >= now.getTime());
}
