import { describe, it, expect } from 'vitest';
import type { Command } from './commands.ts';
import { DEMO_HALL, hallTime } from './demo-config.ts';
import { applyCommand } from './engine.ts';
import { initialState, type HallDayState } from './state.ts';
import { estimateAll, estimateWait, queueCapacity, serviceStats } from './wait-estimate.ts';

const t = (hhmm: string) => hallTime('2026-03-02', hhmm);
const err = (code: string) => expect.objectContaining({ code });
function run(steps: [string, Command][], s0: HallDayState = initialState(DEMO_HALL, t('07:00'))): HallDayState {
  return steps.reduce((s, [hhmm, c]) => applyCommand(s, c, t(hhmm), DEMO_HALL).state, s0);
}
const open = (windowId: string): [string, Command] => ['08:00', { type: 'window.open', windowId }];
const take = (
  id: string,
  hhmm: string,
  itemCode = 'ZH-001',
  cls: 'walk-in' | 'green' = 'walk-in',
): [string, Command] => [hhmm, { type: 'take', ticketId: id, itemCode, class: cls }];

describe('service time statistics', () => {
  it('median and nearest-rank 80th percentile; the default (and 1.5 ×) with no samples', () => {
    expect(serviceStats([], 8)).toEqual({ medianMin: 8, p80Min: 12, samples: 0 });
    expect(serviceStats([5, 1, 9, 3], 8)).toEqual({ medianMin: 4, p80Min: 9, samples: 4 });
    expect(serviceStats([2, 7, 3], 8)).toEqual({ medianMin: 3, p80Min: 7, samples: 3 });
  });
});

describe('wait estimate (前面等候人数 and a range)', () => {
  const three = run([open('w2'), take('a1', '08:01'), take('a2', '08:02'), take('a3', '08:03')]);

  it('shares the people ahead over the open windows serving the queue, by weight share', () => {
    expect(queueCapacity(three, 'qA', t('09:00'), DEMO_HALL)).toBe(1);
    expect(estimateWait(three, 'a3', t('08:05'), DEMO_HALL)).toMatchObject({
      waitingAhead: 2,
      capacity: 1,
      estimate: { lowMin: 16, highMin: 36 },
    });
    // w5 serves four queues with weight 1: a quarter of it goes to qA. w1 before noon: qA 2 of 3.
    const more = run([open('w5'), open('w1')], three);
    expect(queueCapacity(more, 'qA', t('09:00'), DEMO_HALL)).toBeCloseTo(1 + 1 / 4 + 2 / 3);
    expect(queueCapacity(more, 'qA', t('12:30'), DEMO_HALL)).toBeCloseTo(1 + 1 / 4 + 1 / 2);
    const est = estimateWait(more, 'a3', t('09:00'), DEMO_HALL);
    expect(est.estimate).toEqual({ lowMin: Math.floor(16 / (23 / 12)), highMin: Math.ceil(36 / (23 / 12)) });
  });

  it('uses recent service times and counts class order for the people ahead', () => {
    const s = run(
      [
        ['08:04', { type: 'call-next', windowId: 'w2' }],
        ['08:14', { type: 'complete', windowId: 'w2', outcome: 'done' }],
        take('g1', '08:15', 'ZH-002', 'green'),
      ],
      three,
    );
    expect(estimateWait(s, 'g1', t('08:15'), DEMO_HALL)).toMatchObject({
      waitingAhead: 0,
      estimate: { lowMin: 0, highMin: 10 },
    });
    expect(estimateWait(s, 'a3', t('08:15'), DEMO_HALL)).toMatchObject({
      waitingAhead: 2,
      basis: { medianMin: 10, p80Min: 10, samples: 1 },
      estimate: { lowMin: 20, highMin: 30 },
    });
  });

  it('gives no range while no open window serves the line', () => {
    const paused = run([['08:04', { type: 'window.pause', windowId: 'w2' }]], three);
    expect(estimateWait(paused, 'a1', t('08:05'), DEMO_HALL)).toMatchObject({
      waitingAhead: 0,
      capacity: 0,
      estimate: null,
    });
    const s = run([take('c1', '08:04', 'RS-001')], three);
    expect(estimateWait(s, 'c1', t('08:05'), DEMO_HALL).estimate).toBeNull();
  });

  it('a ticket transferred to a window waits for that window alone', () => {
    const s = run(
      [
        open('w5'),
        ['08:04', { type: 'call-next', windowId: 'w2' }],
        ['08:05', { type: 'transfer', windowId: 'w2', toWindowId: 'w5' }],
      ],
      three,
    );
    expect(estimateWait(s, 'a1', t('08:06'), DEMO_HALL)).toMatchObject({ waitingAhead: 0, capacity: 1 });
    expect(estimateWait(s, 'a2', t('08:06'), DEMO_HALL)).toMatchObject({ waitingAhead: 0 });
  });

  it('estimateAll agrees with estimateWait for every waiting ticket', () => {
    const s = run(
      [
        open('w5'),
        take('b1', '08:04', 'GA-001'),
        take('g1', '08:05', 'ZH-002', 'green'),
        ['08:06', { type: 'call-next', windowId: 'w5' }],
      ],
      three,
    );
    const all = estimateAll(s, t('08:50'), DEMO_HALL);
    expect(all.map((e) => e.ticketNo)).toEqual(['A001', 'A002', 'A003', 'B001']);
    for (const e of all) expect(estimateWait(s, e.ticketId, t('08:50'), DEMO_HALL)).toEqual(e);
  });

  it('refuses an unknown or non-waiting ticket', () => {
    expect(() => estimateWait(three, 'zz', t('08:05'), DEMO_HALL)).toThrow(err('HALL_ERR_NOT_FOUND'));
    const s = run([['08:04', { type: 'call-next', windowId: 'w2' }]], three);
    expect(() => estimateWait(s, 'a1', t('08:05'), DEMO_HALL)).toThrow(err('HALL_ERR_CONFLICT'));
  });
});
