import { describe, expect, it } from 'vitest';
import { configSchema, demoPaceSchema, hallSnapshotSchema } from './index.ts';

/**
 * DEMO_PACE (docs/configuration.md): `always` unless told otherwise, so
 * `npm start` moves at any hour; the hall snapshot may carry the pace so the
 * wall can say the demo ignores opening hours. Additive: snapshots without it
 * stay valid.
 */
describe('demo pace contract', () => {
  it('defaults to always and knows only always and hall-clock', () => {
    expect(configSchema.parse({}).DEMO_PACE).toBe('always');
    expect(configSchema.parse({ DEMO_PACE: 'hall-clock' }).DEMO_PACE).toBe('hall-clock');
    expect(configSchema.safeParse({ DEMO_PACE: 'fast' }).success).toBe(false);
    expect(demoPaceSchema.options).toEqual(['always', 'hall-clock']);
  });

  it('is an optional field of the hall snapshot', () => {
    const snap = {
      hallId: 'h-city',
      name: '示范市政务服务中心',
      regionCode: '440900',
      seq: 0,
      queues: [],
      windows: [],
      devices: [],
      recentTickets: [],
      recentCalls: [],
      pressure: { waiting: 0, openWindows: 0, clearMin: null, level: 'clear' },
      at: new Date(0).toISOString(),
    };
    const plain = hallSnapshotSchema.safeParse(snap);
    expect(plain.success, JSON.stringify(plain.error?.issues)).toBe(true);
    expect(hallSnapshotSchema.parse({ ...snap, demoPace: 'always' }).demoPace).toBe('always');
    expect(hallSnapshotSchema.safeParse({ ...snap, demoPace: 'sometimes' }).success).toBe(false);
  });
});
