import { describe, expect, it } from 'vitest';
import {
  bucketLabel,
  bucketsOf,
  hallDate,
  hallDayStart,
  parentRegion,
  periodOf,
  regionChain,
  reportPeriod,
} from './period.ts';

describe('leadership periods (hall days in Asia/Shanghai)', () => {
  // 2026-03-10 01:30 UTC is 09:30 on 10 March in the hall; 2026-03-09 18:00 UTC is 02:00 on 10 March.
  const now = new Date('2026-03-10T01:30:00Z');

  it('today starts at the hall midnight, not UTC midnight', () => {
    expect(hallDayStart(now).toISOString()).toBe('2026-03-09T16:00:00.000Z');
    expect(hallDayStart(new Date('2026-03-09T18:00:00Z')).toISOString()).toBe('2026-03-09T16:00:00.000Z');
    expect(hallDate(new Date('2026-03-09T18:00:00Z'))).toBe('2026-03-10');
    expect(periodOf('today', now)).toEqual({ from: '2026-03-09T16:00:00.000Z', to: now.toISOString(), bucket: 'hour' });
    // "Now" ends on a whole 10 s, so leaders opening the screen together ask the same question.
    expect(periodOf('today', new Date('2026-03-10T01:30:07.456Z')).to).toBe('2026-03-10T01:30:00.000Z');
  });

  it('7 and 30 days are whole hall days up to now', () => {
    expect(periodOf('7d', now).from).toBe('2026-03-03T16:00:00.000Z');
    expect(periodOf('30d', now).from).toBe('2026-02-08T16:00:00.000Z');
    expect(bucketsOf(periodOf('7d', now))).toEqual([
      '2026-03-04',
      '2026-03-05',
      '2026-03-06',
      '2026-03-07',
      '2026-03-08',
      '2026-03-09',
      '2026-03-10',
    ]);
    expect(bucketsOf(periodOf('today', now))).toHaveLength(10); // 00:00 … 09:00 hall time
    expect(bucketLabel('2026-03-09T16:00:00Z', 'hour')).toBe('00:00');
    expect(bucketLabel('2026-03-09', 'day')).toBe('03-09');
  });

  it('the report period includes both days and stops at now', () => {
    expect(reportPeriod('2026-03-01', '2026-03-07', now)).toEqual({
      fromDate: '2026-03-01',
      toDate: '2026-03-07',
      from: '2026-02-28T16:00:00.000Z',
      to: '2026-03-07T16:00:00.000Z',
    });
    expect(reportPeriod(undefined, undefined, now)).toEqual({
      fromDate: '2026-03-04',
      toDate: '2026-03-10',
      from: '2026-03-03T16:00:00.000Z',
      to: now.toISOString(),
    });
    expect(reportPeriod('garbage', '2026-13-40', now).toDate).toBe('2026-03-10');
  });

  it('region codes climb village → town → district → city and stop at the scope top', () => {
    expect(parentRegion('440902001001')).toBe('440902001');
    expect(parentRegion('440902001')).toBe('440902');
    expect(parentRegion('440902')).toBe('440900');
    expect(parentRegion('440900')).toBe('440000');
    expect(parentRegion('440000')).toBeNull();
    expect(regionChain('440902001', '440900')).toEqual(['440900', '440902', '440902001']);
    expect(regionChain('440902001', '440902')).toEqual(['440902', '440902001']);
    expect(regionChain('440904', '440902')).toEqual(['440904']);
  });
});
