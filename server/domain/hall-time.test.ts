import { describe, expect, it } from 'vitest';
import { isWholeHallDays } from './hall-time.ts';

/** The leadership screens' periods are whole hall days (Asia/Shanghai, UTC+8): 00:00 local is 16:00 UTC the day before. */
describe('isWholeHallDays', () => {
  const tz = 'Asia/Shanghai';
  const now = new Date('2026-11-25T06:00:00.000Z'); // 14:00 local
  const d = (iso: string) => new Date(iso);

  it('midnight to midnight, and midnight to now or later (today so far)', () => {
    expect(isWholeHallDays(d('2026-11-23T16:00:00.000Z'), d('2026-11-24T16:00:00.000Z'), now, tz)).toBe(true);
    expect(isWholeHallDays(d('2026-11-17T16:00:00.000Z'), now, now, tz)).toBe(true);
    expect(isWholeHallDays(d('2026-11-24T16:00:00.000Z'), d('2026-11-25T16:00:00.000Z'), now, tz)).toBe(true);
  });

  it('a period starting or ending inside a hall day is not', () => {
    expect(isWholeHallDays(d('2026-11-24T00:00:00.000Z'), d('2026-11-25T00:00:00.000Z'), now, tz)).toBe(false); // UTC midnights
    expect(isWholeHallDays(d('2026-11-23T16:00:00.000Z'), d('2026-11-25T03:00:00.000Z'), now, tz)).toBe(false); // ends 11:00 local, before now
    expect(isWholeHallDays(d('2026-11-23T16:00:30.000Z'), d('2026-11-24T16:00:00.000Z'), now, tz)).toBe(false); // 30 s past midnight
  });
});
