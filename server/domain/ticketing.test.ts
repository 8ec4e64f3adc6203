import { describe, it, expect } from 'vitest';
import { formatTicketNo, assertQueueTakesTickets, estimateWaitMin } from './ticketing.ts';
import { hallDay, minuteOfDay } from './hall-time.ts';

const q = { id: 'q1', prefix: 'A', dailyCap: 3, openFrom: '08:30', openTo: '17:00' };
const tz = 'Asia/Shanghai';

describe('ticket numbering (001 §1.1.1.16)', () => {
  it('pads to three digits and grows past 999', () => {
    expect(formatTicketNo('A', 1)).toBe('A001');
    expect(formatTicketNo('VIP', 42)).toBe('VIP042');
    expect(formatTicketNo('B', 1000)).toBe('B1000');
  });
  it('counts the day in the hall time zone', () => {
    expect(hallDay(new Date('2026-11-22T15:59:00Z'), tz)).toBe('2026-11-22');
    expect(hallDay(new Date('2026-11-22T16:00:00Z'), tz)).toBe('2026-11-23');
    expect(minuteOfDay(new Date('2026-11-22T00:30:00Z'), tz)).toBe(8 * 60 + 30);
  });
});

describe('queue opening rules', () => {
  it('accepts inside hours and under the cap', () => {
    expect(() => assertQueueTakesTickets(q, 2, new Date('2026-11-23T01:00:00Z'), tz)).not.toThrow();
  });
  it('refuses before opening, at closing and past the cap with HALL_ERR_QUEUE_CLOSED', () => {
    expect(() => assertQueueTakesTickets(q, 0, new Date('2026-11-23T00:29:00Z'), tz)).toThrow(
      expect.objectContaining({ code: 'HALL_ERR_QUEUE_CLOSED' }),
    );
    expect(() => assertQueueTakesTickets(q, 0, new Date('2026-11-23T09:00:00Z'), tz)).toThrow(
      expect.objectContaining({ code: 'HALL_ERR_QUEUE_CLOSED' }),
    );
    expect(() => assertQueueTakesTickets(q, 3, new Date('2026-11-23T01:00:00Z'), tz)).toThrow(/daily cap/);
  });
});

describe('wait estimate', () => {
  it('shares the people ahead over serving windows', () => {
    expect(estimateWaitMin(6, 2, 8)).toBe(24);
    expect(estimateWaitMin(0, 2, 8)).toBe(0);
    expect(estimateWaitMin(5, 0, 8)).toBeUndefined();
  });
});
