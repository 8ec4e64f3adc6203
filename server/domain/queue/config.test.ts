import { describe, it, expect } from 'vitest';
import { HallError } from '../../../contracts/index.ts';
import {
  activeQueuesOf,
  assertValidHallConfig,
  DEFAULT_POLICY,
  periodOf,
  policyOf,
  validateHallConfig,
  type HallQueueConfig,
} from './config.ts';
import { DEMO_HALL, hallTime } from './demo-config.ts';

const day = '2026-03-02';
const w = (id: string) => DEMO_HALL.windows.find((x) => x.id === id)!;
const ids = (qs: readonly { queueId: string }[]) => qs.map((q) => q.queueId);
const edit = (f: (c: { -readonly [K in keyof HallQueueConfig]: HallQueueConfig[K] }) => void): HallQueueConfig => {
  const c = structuredClone(DEMO_HALL) as { -readonly [K in keyof HallQueueConfig]: HallQueueConfig[K] };
  f(c);
  return c;
};
const codes = (c: HallQueueConfig) => validateHallConfig(c).map((p) => `${p.code} ${p.path}`);

describe('queue configuration (001 §1.1.1.16, 按时间段)', () => {
  it('accepts the demo hall and fills the policy with defaults', () => {
    expect(validateHallConfig(DEMO_HALL)).toEqual([]);
    expect(policyOf(DEMO_HALL)).toMatchObject({
      starvationMin: 40,
      transferAs: 'transferred-back',
      classPriority: DEFAULT_POLICY.classPriority,
    });
  });

  it('chooses the window period by hall local time, [from, to)', () => {
    expect(ids(activeQueuesOf(w('w1'), hallTime(day, '11:59'), DEMO_HALL.tz))).toEqual(['qA', 'qB']);
    expect(ids(activeQueuesOf(w('w1'), hallTime(day, '12:00'), DEMO_HALL.tz))).toEqual(['qC', 'qA']);
    expect(activeQueuesOf(w('w4'), hallTime(day, '12:30'), DEMO_HALL.tz)).toEqual([]); // lunch: serves nothing
    expect(activeQueuesOf(w('w6'), hallTime(day, '17:00'), DEMO_HALL.tz)).toEqual([]);
    expect(periodOf(w('w1'), new Date('2026-03-02T03:59:00Z'), DEMO_HALL.tz)?.from).toBe('00:00'); // 11:59 in Shanghai
  });

  it('names each problem with a refusal code and a path', () => {
    expect(
      codes(
        edit((c) => {
          c.queues = [...c.queues, { ...c.queues[0]!, prefix: 'Z', itemCodes: [] }];
        }),
      ),
    ).toEqual(['HALL_ERR_CONFLICT queues[4].id']);
    expect(
      codes(
        edit((c) => {
          c.queues = [{ ...c.queues[0]!, prefix: 'a1' }, ...c.queues.slice(1)];
        }),
      ),
    ).toEqual(['HALL_ERR_BAD_DATA queues[0].prefix']);
    expect(
      codes(
        edit((c) => {
          c.queues = [{ ...c.queues[0]!, prefix: 'B' }, ...c.queues.slice(1)];
        }),
      ),
    ).toEqual(['HALL_ERR_CONFLICT queues[1].prefix']);
    expect(
      codes(
        edit((c) => {
          c.queues = [{ ...c.queues[0]!, itemCodes: ['ZH-001', 'NOPE', 'GA-001'] }, ...c.queues.slice(1)];
        }),
      ),
    ).toEqual(['HALL_ERR_NOT_FOUND queues[0].itemCodes[1]', 'HALL_ERR_CONFLICT queues[1].itemCodes[0]']);
    expect(
      codes(
        edit((c) => {
          c.queues = [{ ...c.queues[0]!, dailyCap: 0, openFrom: '18:00', openTo: '08:00' }, ...c.queues.slice(1)];
        }),
      ),
    ).toEqual(['HALL_ERR_BAD_DATA queues[0].dailyCap', 'HALL_ERR_BAD_DATA queues[0].open']);
    expect(
      codes(
        edit((c) => {
          c.tz = 'Mars/Olympus';
        }),
      ),
    ).toEqual(['HALL_ERR_BAD_DATA tz']);
  });

  it('refuses overlapping periods, unknown queues, bad weights and bad times in windows', () => {
    const cfg = edit((c) => {
      c.windows = [
        {
          ...c.windows[0]!,
          periods: [
            {
              from: '08:00',
              to: '12:00',
              queues: [
                { queueId: 'qA', weight: 1 },
                { queueId: 'qA', weight: 2 },
              ],
            },
            { from: '11:00', to: '13:00', queues: [{ queueId: 'qX', weight: 0 }] },
            { from: '25:00', to: '26:00', queues: [] },
          ],
        },
        { ...c.windows[1]!, no: '1', departmentId: 'nope' },
        ...c.windows.slice(2),
      ];
    });
    expect(codes(cfg)).toEqual([
      'HALL_ERR_CONFLICT windows[0].periods[0].queues[1].queueId',
      'HALL_ERR_NOT_FOUND windows[0].periods[1].queues[0].queueId',
      'HALL_ERR_BAD_DATA windows[0].periods[1].queues[0].weight',
      'HALL_ERR_BAD_DATA windows[0].periods[2].from',
      'HALL_ERR_CONFLICT windows[0].periods[1]',
      'HALL_ERR_CONFLICT windows[1].no',
      'HALL_ERR_NOT_FOUND windows[1].departmentId',
    ]);
  });

  it('checks the calling policy', () => {
    const cfg = edit((c) => {
      c.policy = {
        classPriority: ['green', 'green', 'walk-in', 'appointment'],
        starvationMin: 0,
        skip: { mode: 'return', afterN: -1, maxReturns: 1.5 },
        recentK: 0,
      };
    });
    expect(codes(cfg)).toEqual([
      'HALL_ERR_BAD_DATA policy.classPriority',
      'HALL_ERR_BAD_DATA policy.starvationMin',
      'HALL_ERR_BAD_DATA policy.skip.afterN',
      'HALL_ERR_BAD_DATA policy.skip.maxReturns',
      'HALL_ERR_BAD_DATA policy.recentK',
    ]);
  });

  it('assertValidHallConfig throws the first code with every problem in details', () => {
    const cfg = edit((c) => {
      c.windows = [{ ...c.windows[0]!, departmentId: 'nope' }, { ...c.windows[1]!, id: 'w1' }, ...c.windows.slice(2)];
    });
    try {
      assertValidHallConfig(cfg);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(HallError);
      expect((e as HallError).code).toBe('HALL_ERR_NOT_FOUND');
      expect(((e as HallError).details as { problems: unknown[] }).problems).toHaveLength(2);
    }
    expect(() => assertValidHallConfig(DEMO_HALL)).not.toThrow();
  });
});
