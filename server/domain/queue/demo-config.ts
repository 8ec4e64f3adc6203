import type { HallQueueConfig } from './config.ts';

/**
 * A small hall's queue configuration (four queues, six windows, periods with
 * a lunch gap and an afternoon switch) used by the engine's tests and as an
 * example of the shape the adapter reads from PostgreSQL.
 */
export const DEMO_HALL: HallQueueConfig = {
  hallId: 'h-demo',
  tz: 'Asia/Shanghai',
  departments: [
    {
      id: 'zh',
      name: '综合受理',
      items: [
        { code: 'ZH-001', name: '社会保障卡申领' },
        { code: 'ZH-002', name: '证明开具' },
      ],
    },
    { id: 'ga', name: '公安局户政', items: [{ code: 'GA-001', name: '居民身份证换领' }] },
    { id: 'rs', name: '人力资源和社会保障局', items: [{ code: 'RS-001', name: '养老保险关系转移' }] },
    { id: 'bdc', name: '不动产登记中心', items: [{ code: 'BDC-001', name: '不动产转移登记' }] },
  ],
  queues: [
    {
      id: 'qA',
      name: '综合窗口',
      prefix: 'A',
      departmentId: 'zh',
      itemCodes: ['ZH-001', 'ZH-002'],
      dailyCap: 40,
      openFrom: '00:00',
      openTo: '24:00',
    },
    {
      id: 'qB',
      name: '户政业务',
      prefix: 'B',
      departmentId: 'ga',
      itemCodes: ['GA-001'],
      dailyCap: 999,
      openFrom: '07:00',
      openTo: '20:00',
    },
    {
      id: 'qC',
      name: '社保医保',
      prefix: 'C',
      departmentId: 'rs',
      itemCodes: ['RS-001'],
      dailyCap: 999,
      openFrom: '00:00',
      openTo: '24:00',
    },
    {
      id: 'qD',
      name: '不动产登记',
      prefix: 'D',
      departmentId: 'bdc',
      itemCodes: ['BDC-001'],
      dailyCap: 15,
      openFrom: '08:30',
      openTo: '17:00',
    },
  ],
  windows: [
    {
      id: 'w1',
      no: '1',
      departmentId: 'zh',
      raterDeviceId: 'rater-1',
      periods: [
        {
          from: '00:00',
          to: '12:00',
          queues: [
            { queueId: 'qA', weight: 2 },
            { queueId: 'qB', weight: 1 },
          ],
        },
        {
          from: '12:00',
          to: '24:00',
          queues: [
            { queueId: 'qC', weight: 1 },
            { queueId: 'qA', weight: 1 },
          ],
        },
      ],
    },
    {
      id: 'w2',
      no: '2',
      departmentId: 'zh',
      periods: [{ from: '00:00', to: '24:00', queues: [{ queueId: 'qA', weight: 1 }] }],
    },
    {
      id: 'w3',
      no: '3',
      departmentId: 'ga',
      raterDeviceId: 'rater-3',
      periods: [
        { from: '00:00', to: '10:00', queues: [{ queueId: 'qB', weight: 3 }] },
        {
          from: '10:00',
          to: '18:00',
          queues: [
            { queueId: 'qB', weight: 1 },
            { queueId: 'qD', weight: 2 },
          ],
        },
      ],
    },
    {
      id: 'w4',
      no: '4',
      departmentId: 'rs',
      periods: [
        {
          from: '08:00',
          to: '12:00',
          queues: [
            { queueId: 'qC', weight: 2 },
            { queueId: 'qD', weight: 1 },
          ],
        },
        { from: '13:00', to: '24:00', queues: [{ queueId: 'qC', weight: 1 }] },
      ],
    },
    {
      id: 'w5',
      no: '5',
      departmentId: 'zh',
      raterDeviceId: 'rater-5',
      periods: [
        {
          from: '00:00',
          to: '24:00',
          queues: [
            { queueId: 'qA', weight: 1 },
            { queueId: 'qB', weight: 1 },
            { queueId: 'qC', weight: 1 },
            { queueId: 'qD', weight: 1 },
          ],
        },
      ],
    },
    {
      id: 'w6',
      no: '6',
      departmentId: 'bdc',
      periods: [{ from: '09:00', to: '17:00', queues: [{ queueId: 'qD', weight: 1 }] }],
    },
  ],
  policy: { starvationMin: 40, skip: { mode: 'return', afterN: 2, maxReturns: 1 }, reactivateWithinMin: 20 },
};

/** A local time in the demo hall (UTC+8): `hallTime('2026-03-02', '08:30')`. */
export function hallTime(day: string, hhmm: string): Date {
  return new Date(`${day}T${hhmm}:00+08:00`);
}
