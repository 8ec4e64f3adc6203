import { describe, expect, it } from 'vitest';
import type { Sums } from '../../analytics/screen-queries.ts';
import type { RegionLevelView } from '../store/regions-repo.ts';
import { regionRollup } from './region-rollup.ts';
import { rankingResponse } from './screen-ranking.ts';

const sums = (
  taken: number,
  called: number,
  served: number,
  cases: number,
  skipped: number,
  avgWaitMin: number | null,
  avgServiceMin: number | null,
): Sums => ({ taken, called, served, cases, skipped, avgWaitMin, avgServiceMin });

describe('region roll-up read model', () => {
  it("the level's total and each child's, averages weighted by their counts; a hall without events adds nothing", () => {
    const level: RegionLevelView = {
      region: { code: 'R', name: '市', level: 'city' },
      hallIds: ['h1', 'h2', 'h3'],
      children: [
        { kind: 'region', id: 'R1', name: '东区', level: 'district', hallIds: ['h1', 'h2'] },
        { kind: 'hall', id: 'h3', name: '市民中心', level: 'city', hallIds: ['h3'] },
      ],
    };
    const byHall = new Map([
      ['h1', sums(10, 8, 6, 4, 1, 5, 10)],
      ['h2', sums(5, 2, 4, 2, 0, 10, 5)],
    ]);
    // Wait (5 × 8 + 10 × 2) / 10 calls = 6; handling (10 × 6 + 5 × 4) / 10 served = 8.
    const r1 = sums(15, 10, 10, 6, 1, 6, 8);
    expect(regionRollup(level, byHall)).toEqual({
      region: { code: 'R', name: '市', level: 'city' },
      total: r1,
      children: [
        { kind: 'region', id: 'R1', name: '东区', level: 'district', hallIds: ['h1', 'h2'], ...r1 },
        {
          kind: 'hall',
          id: 'h3',
          name: '市民中心',
          level: 'city',
          hallIds: ['h3'],
          ...sums(0, 0, 0, 0, 0, null, null),
        },
      ],
    });
  });
});

describe('ranking read model', () => {
  it('each key with its display name, or the key itself', () => {
    const rows = [
      { key: 'w1', hallId: 'h1', ...sums(0, 3, 3, 0, 0, 2, 4) },
      { key: 'w9', hallId: 'h1', ...sums(0, 1, 1, 0, 0, 1, 1) },
    ];
    expect(rankingResponse('window', rows, new Map([['w1', '1号窗口']]))).toEqual({
      by: 'window',
      rows: [
        { ...rows[0], name: '1号窗口' },
        { ...rows[1], name: 'w9' },
      ],
    });
  });
});
