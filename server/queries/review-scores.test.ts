import { describe, expect, it } from 'vitest';
import type { ReviewRow } from '../../analytics/model-inputs.ts';
import type { RegionLevelView } from '../store/regions-repo.ts';
import { childOfHall, rankReviewRows, reviewScoresResponse } from './review-scores.ts';

const row = (hallId: string, level: number, windowId = '', staffId = '', departmentId = ''): ReviewRow => ({
  hallId,
  level,
  windowId,
  staffId,
  departmentId,
});

describe('review scores read model (好差评评分量化)', () => {
  it('per window: the levels 1–5 only, smoothed toward the pooled raw score, names or the key', () => {
    const found = [row('h1', 5, 'w1'), row('h1', 4, 'w1'), row('h1', 1, 'w2'), row('h1', 0, 'w3'), row('h1', 5)];
    const q = { by: 'window' as const, limit: 50, includeDefault: true };
    const ranking = rankReviewRows(found, new Map(), q);
    // Points 100, 75 (w1) and 0 (w2); the online review (no window) is counted in `reviews` but has no window row,
    // level 0 is no rating. Prior = pooled raw score of the rows: (87.5 × 2 + 0 × 1) / 3 = 58.33;
    // w1: (175 + 10 × 58.33) / 12 = 63.19; w2: (0 + 583.33) / 11 = 53.03.
    expect(reviewScoresResponse(q, found.length, ranking, new Map([['w1', '1号窗口']]))).toEqual({
      by: 'window',
      includeDefault: true,
      reviews: 5,
      prior: 58.33,
      weight: 10,
      rows: [
        { key: 'w1', name: '1号窗口', rank: 1, n: 2, score: 63.19, rawScore: 87.5, badShare: 0 },
        { key: 'w2', name: 'w2', rank: 2, n: 1, score: 53.03, rawScore: 0, badShare: 1 },
      ],
      note: null,
    });
  });

  it('下属区划统计: a hall counts for the child region it lies under, or for itself when placed at the level', () => {
    const level: RegionLevelView = {
      region: { code: 'R', name: '市', level: 'city' },
      hallIds: ['h1', 'h2'],
      children: [
        { kind: 'region', id: 'R1', name: '东区', level: 'district', hallIds: ['h1'] },
        { kind: 'hall', id: 'h2', name: '市民中心', level: 'city', hallIds: ['h2'] },
      ],
    };
    const childOf = childOfHall(level);
    expect([...childOf]).toEqual([
      ['h1', { id: 'R1', name: '东区' }],
      ['h2', { id: 'h2', name: '市民中心' }],
    ]);
    const q = { by: 'region' as const, limit: 50, includeDefault: false };
    const ranking = rankReviewRows([row('h1', 5), row('h2', 3)], childOf, q);
    // Pool (100 + 50) / 2 = 75. R1: (100 + 750) / 11 = 77.27; h2: (50 + 750) / 11 = 72.73.
    const names = new Map([...childOf.values()].map((c) => [c.id, c.name]));
    expect(reviewScoresResponse(q, 2, ranking, names).rows).toEqual([
      { key: 'R1', name: '东区', rank: 1, n: 1, score: 77.27, rawScore: 100, badShare: 0 },
      { key: 'h2', name: '市民中心', rank: 2, n: 1, score: 72.73, rawScore: 50, badShare: 0 },
    ]);
    expect(childOfHall(null).size).toBe(0);
  });

  it('cut to the limit after the prior is pooled over every row', () => {
    const q = { by: 'window' as const, limit: 1, includeDefault: true };
    const ranking = rankReviewRows([row('h1', 5, 'w1'), row('h1', 4, 'w1'), row('h1', 1, 'w2')], new Map(), q);
    expect(ranking.rows.map((x) => x.key)).toEqual(['w1']);
    expect(Math.round(ranking.prior * 100) / 100).toBe(58.33);
  });

  it('no reviews: no rows, the default prior of 75 and a note saying why', () => {
    const q = { by: 'staff' as const, limit: 50, includeDefault: true };
    const body = reviewScoresResponse(q, 0, rankReviewRows([], new Map(), q), new Map());
    expect(body).toMatchObject({ by: 'staff', reviews: 0, prior: 75, weight: 10, rows: [] });
    expect(body.note).toMatch(/have not landed yet/);
  });
});
