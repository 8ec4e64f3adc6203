import { describe, it, expect } from 'vitest';
import { DEMO_HALL, hallTime } from './demo-config.ts';
import { applyCommand } from './engine.ts';
import { initialState, rollDay, type HallDayState } from './state.ts';
import { takeTicket } from './take.ts';

const day = '2026-03-02';
const t = (hhmm: string, d = day) => hallTime(d, hhmm);
const s0 = initialState(DEMO_HALL, t('07:00'));
const take = (s: HallDayState, id: string, itemCode: string, at: Date, cls?: 'walk-in' | 'appointment' | 'green') =>
  takeTicket(s, { type: 'take', ticketId: id, itemCode, ...(cls ? { class: cls } : {}) }, at, DEMO_HALL);
const err = (code: string) => expect.objectContaining({ code });

describe('take a ticket (取号, 001 §1.1.1.15–16)', () => {
  it('numbers per queue from 001 and reports the slip figures', () => {
    let s = s0;
    s = take(s, 'x1', 'ZH-001', t('08:00')).state;
    s = take(s, 'x2', 'GA-001', t('08:01')).state;
    const r = take(s, 'x3', 'ZH-002', t('08:02'), 'green');
    expect(Object.values(r.state.tickets).map((x) => x.no)).toEqual(['A001', 'B001', 'A002']);
    expect(r.state.tickets.x3).toMatchObject({
      queueId: 'qA',
      class: 'green',
      status: 'waiting',
      day,
      takenAt: t('08:02').toISOString(),
      calls: 0,
    });
    expect(r.events).toEqual([
      {
        type: 'ticket.issued',
        at: t('08:02').toISOString(),
        ticketId: 'x3',
        ticketNo: 'A002',
        queueId: 'qA',
        itemCode: 'ZH-002',
        class: 'green',
        issuedToday: 2,
        waiting: 2,
        waitingAhead: 0,
        estimate: null, // green goes ahead of A001; no window open yet
      },
    ]);
    expect(take(r.state, 'x4', 'ZH-001', t('08:03')).events[0]).toMatchObject({ ticketNo: 'A003', waitingAhead: 2 });
  });

  it('restarts numbering at 001 on the next hall day and drops what the old day left', () => {
    let s = take(s0, 'x1', 'ZH-001', t('08:00')).state;
    s = take(s, 'x2', 'ZH-001', t('08:01')).state;
    // 2026-03-02T16:00Z is midnight in Shanghai.
    const r = take(s, 'y1', 'ZH-001', new Date('2026-03-02T16:00:00Z'));
    expect(r.state.day).toBe('2026-03-03');
    expect(Object.values(r.state.tickets).map((x) => x.no)).toEqual(['A001']);
    expect(r.events.map((e) => e.type)).toEqual(['ticket.dropped', 'ticket.dropped', 'day.rolled', 'ticket.issued']);
    expect(r.events[0]).toMatchObject({ ticketNo: 'A001', reason: 'day-end' });
    expect(r.events[2]).toMatchObject({ fromDay: day, toDay: '2026-03-03', dropped: 2 });
    expect(rollDay(r.state, t('09:00', '2026-03-03'), DEMO_HALL).state).toBe(r.state);
    expect(() => rollDay(r.state, t('23:00'), DEMO_HALL)).toThrow(err('HALL_ERR_CONFLICT'));
  });

  it('refuses outside ticketing hours and past the daily cap with HALL_ERR_QUEUE_CLOSED', () => {
    expect(() => take(s0, 'x', 'BDC-001', t('08:29'))).toThrow(err('HALL_ERR_QUEUE_CLOSED'));
    expect(() => take(s0, 'x', 'BDC-001', t('17:00'))).toThrow(err('HALL_ERR_QUEUE_CLOSED'));
    let s = s0;
    for (let i = 0; i < 15; i++) s = take(s, `d${i}`, 'BDC-001', t('09:00')).state;
    expect(s.tickets.d14!.no).toBe('D015');
    expect(() => take(s, 'd15', 'BDC-001', t('09:00'))).toThrow(/daily cap of 15/);
  });

  it('refuses an unknown item, a reused id and a made-up class', () => {
    expect(() => take(s0, 'x', 'NOPE', t('09:00'))).toThrow(err('HALL_ERR_UNKNOWN_ITEM'));
    const s = take(s0, 'x', 'ZH-001', t('09:00')).state;
    expect(() => take(s, 'x', 'ZH-001', t('09:01'))).toThrow(err('HALL_ERR_CONFLICT'));
    expect(() =>
      applyCommand(
        s0,
        { type: 'take', ticketId: 'y', itemCode: 'ZH-001', class: 'transferred-back' as 'green' },
        t('09:00'),
        DEMO_HALL,
      ),
    ).toThrow(err('HALL_ERR_BAD_DATA'));
    expect(() => take(s0, '', 'ZH-001', t('09:00'))).toThrow(err('HALL_ERR_BAD_DATA'));
  });
});
