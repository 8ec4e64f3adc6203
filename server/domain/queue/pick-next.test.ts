import { describe, it, expect } from 'vitest';
import type { Command } from './commands.ts';
import type { HallQueueConfig } from './config.ts';
import { DEMO_HALL, hallTime } from './demo-config.ts';
import { applyCommand } from './engine.ts';
import { callOrderFor, pickNext, returnIsDue } from './pick-next.ts';
import { initialState, type HallDayState } from './state.ts';

const day = '2026-03-02';
const t = (hhmm: string) => hallTime(day, hhmm);
type Step = [string, Command];
function run(steps: Step[], cfg: HallQueueConfig = DEMO_HALL, s0?: HallDayState): HallDayState {
  let s = s0 ?? initialState(cfg, t('07:00'));
  for (const [hhmm, c] of steps) s = applyCommand(s, c, t(hhmm), cfg).state;
  return s;
}
const take = (id: string, itemCode: string, cls: 'walk-in' | 'appointment' | 'green' = 'walk-in'): Command => ({
  type: 'take',
  ticketId: id,
  itemCode,
  class: cls,
});
const no = (s: HallDayState, id: string) => s.tickets[id]!.no;
const order = (s: HallDayState, w: string, at: string) => callOrderFor(s, w, t(at), DEMO_HALL).map((c) => c.ticket.no);

describe('calling rule (issue 4: class, starvation guard, weighted wait)', () => {
  it('calls by class first: a green ticket before an older walk-in, an appointment before a walk-in', () => {
    const s = run([
      ['08:00', take('a1', 'ZH-001')],
      ['08:05', take('a2', 'ZH-001', 'appointment')],
      ['08:10', take('a3', 'ZH-001', 'green')],
    ]);
    expect(order(s, 'w2', '08:15')).toEqual(['A003', 'A002', 'A001']);
  });

  it("within a class orders by waited minutes × the window's queue weight", () => {
    // w1 before noon: qA weight 2, qB weight 1. A001 waited 10 → 20; B001 waited 15 → 15.
    const s = run([
      ['08:00', take('b1', 'GA-001')],
      ['08:05', take('a1', 'ZH-001')],
    ]);
    expect(order(s, 'w1', '08:15')).toEqual(['A001', 'B001']);
    // w5 weighs both 1: the longer wait wins.
    expect(order(s, 'w5', '08:15')).toEqual(['B001', 'A001']);
  });

  it('a ticket waiting past starvationMin rises to the front of its class, not above a higher class', () => {
    // starvationMin 40. At 08:45 B001 waited 45 (starving); A001 waited 35 × 2 = 70 weighted but not starving.
    const s = run([
      ['08:00', take('b1', 'GA-001')],
      ['08:10', take('a1', 'ZH-001')],
      ['08:44', take('a2', 'ZH-001', 'appointment')],
    ]);
    expect(order(s, 'w1', '08:39')).toEqual(['A002', 'A001', 'B001']); // before starvation: 29×2 > 39×1
    expect(order(s, 'w1', '08:45')).toEqual(['A002', 'B001', 'A001']); // B001 starves: front of the walk-ins only
  });

  it('among starving tickets the longest waiting comes first, whatever the weights', () => {
    const s = run([
      ['08:00', take('b1', 'GA-001')],
      ['08:01', take('a1', 'ZH-001')],
    ]);
    expect(order(s, 'w1', '09:00')).toEqual(['B001', 'A001']);
  });

  it('breaks ties by take time, then the counter, then the number text', () => {
    const s = run([
      ['08:00', take('a1', 'ZH-001')],
      ['08:00', take('a2', 'ZH-002')],
      ['08:00', take('c1', 'RS-001')],
    ]);
    expect(order(s, 'w5', '08:10')).toEqual(['A001', 'C001', 'A002']);
  });

  it('a window calls only its active queues: the period switch at noon changes them', () => {
    const s = run([
      ['08:00', take('b1', 'GA-001')],
      ['08:01', take('c1', 'RS-001')],
    ]);
    expect(order(s, 'w1', '11:59')).toEqual(['B001']);
    expect(order(s, 'w1', '12:00')).toEqual(['C001']);
    expect(order(s, 'w4', '12:30')).toEqual([]); // lunch gap
    expect(pickNext(s, 'w2', t('08:10'), DEMO_HALL)).toBeNull();
    expect(pickNext(s, 'nope', t('08:10'), DEMO_HALL)).toBeNull();
  });

  it('a ticket transferred to a window is callable by that window only, with its highest weight', () => {
    const s = run([
      ['08:00', take('a1', 'ZH-001')],
      ['08:01', take('a2', 'ZH-001')],
      ['08:02', { type: 'window.open', windowId: 'w2' }],
      ['08:02', { type: 'window.open', windowId: 'w3' }],
      ['08:03', { type: 'call-next', windowId: 'w2' }],
      ['08:04', { type: 'transfer', windowId: 'w2', toWindowId: 'w3' }],
    ]);
    expect(s.tickets.a1).toMatchObject({ status: 'waiting', targetWindowId: 'w3', class: 'transferred-back' });
    expect(order(s, 'w2', '08:05')).toEqual(['A002']);
    expect(order(s, 'w5', '08:05')).toEqual(['A002']);
    expect(order(s, 'w3', '08:05')).toEqual(['A001']);
    expect(callOrderFor(s, 'w3', t('08:05'), DEMO_HALL)[0]!.weight).toBe(3);
  });
});

describe('skip-return (过号 return after N calls of the queue)', () => {
  const open = (w: string): Step => ['08:00', { type: 'window.open', windowId: w }];
  it('returns after N further calls of its queue, keeping its take time', () => {
    const s1 = run([
      open('w2'),
      open('w5'),
      ['08:00', take('a1', 'ZH-001')],
      ['08:01', take('a2', 'ZH-001')],
      ['08:02', take('a3', 'ZH-001')],
      ['08:03', take('a4', 'ZH-001')],
      ['08:05', { type: 'call-next', windowId: 'w2' }],
      ['08:06', { type: 'skip', windowId: 'w2' }],
    ]);
    expect(s1.tickets.a1).toMatchObject({ status: 'skipped', returnAtQueueCall: 3 });
    expect(returnIsDue(s1, s1.tickets.a1!)).toBe(false);
    const s2 = run([['08:07', { type: 'call-next', windowId: 'w2' }]], DEMO_HALL, s1);
    expect(s2.tickets.a1!.status).toBe('skipped');
    const r = applyCommand(s2, { type: 'call-next', windowId: 'w5' }, t('08:08'), DEMO_HALL);
    expect(no(r.state, r.state.windows.w5!.current!)).toBe('A003');
    expect(r.events.map((e) => e.type)).toEqual(['ticket.called', 'ticket.returned']);
    expect(r.state.tickets.a1).toMatchObject({ status: 'waiting', takenAt: t('08:00').toISOString() });
    expect(r.state.tickets.a1!.returnAtQueueCall).toBeUndefined();
    // back at the front: it waited longest.
    expect(order(r.state, 'w2', '08:09')).toEqual(['A001', 'A004']);
  });

  it('returns at once when nobody of its queue is left waiting, so it cannot be stuck', () => {
    const r = run([open('w2'), ['08:00', take('a1', 'ZH-001')], ['08:01', { type: 'call-next', windowId: 'w2' }]]);
    const out = applyCommand(r, { type: 'skip', windowId: 'w2' }, t('08:02'), DEMO_HALL);
    expect(out.events.map((e) => e.type)).toEqual(['ticket.skipped', 'ticket.returned']);
    expect(out.state.tickets.a1!.status).toBe('waiting');
  });
});
