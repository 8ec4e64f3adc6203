import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  emptyCounts,
  pointsOf,
  rankReviews,
  rankReviewScores,
  reviewScore,
  type RatingCounts,
  type RatingLevel,
  type ReviewRecord,
} from './review-score.ts';

const counts = (c: Partial<Record<RatingLevel, number>>): RatingCounts => ({ ...emptyCounts(), ...c });

describe('review score (好差评评分量化)', () => {
  it('points are linear in the level: 100 / 75 / 50 / 25 / 0', () => {
    expect([5, 4, 3, 2, 1].map((l) => pointsOf(l as RatingLevel))).toEqual([100, 75, 50, 25, 0]);
  });

  it('smoothed toward the prior by m pseudo-ratings, by hand', () => {
    const s = reviewScore(counts({ 5: 3, 4: 1, 1: 1 }), { prior: 80, weight: 10 });
    expect(s.n).toBe(5);
    expect(s.rawScore).toBe(75); // (3·100 + 1·75 + 1·0) / 5 = 375/5
    expect(s.score).toBeCloseTo(78.3333, 4); // (375 + 10·80) / (5 + 10) = 1175/15
    expect(s.badShare).toBe(0.2); // 1 非常不满意 of 5
  });

  it('defaults: prior 75, weight 10; no ratings gives the prior; weight 0 gives the raw mean', () => {
    expect(reviewScore(counts({ 5: 10 })).score).toBe(87.5); // (1000 + 750) / 20
    expect(reviewScore(emptyCounts())).toEqual({ n: 0, rawScore: null, score: 75, badShare: null });
    expect(reviewScore(counts({ 5: 1, 3: 1 }), { weight: 0 }).score).toBe(75); // (100 + 50) / 2
  });

  it('refuses a bad count or prior', () => {
    expect(() => reviewScore(counts({ 5: -1 }))).toThrow(/level 5/);
    expect(() => reviewScore(counts({ 4: 1.5 }))).toThrow(/level 4/);
    expect(() => reviewScore(emptyCounts(), { prior: 101 })).toThrow(/prior/);
  });

  it('property: score in [0, 100]; one more 非常满意 never lowers it, one more 非常不满意 never raises it', () => {
    const arb = fc.record({ 1: fc.nat(50), 2: fc.nat(50), 3: fc.nat(50), 4: fc.nat(50), 5: fc.nat(50) });
    fc.assert(
      fc.property(arb, fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 30 }), (c, prior, weight) => {
        const s = reviewScore(c, { prior, weight }).score;
        expect(s).toBeGreaterThanOrEqual(0);
        expect(s).toBeLessThanOrEqual(100);
        expect(reviewScore({ ...c, 5: c[5] + 1 }, { prior, weight }).score).toBeGreaterThanOrEqual(s - 1e-9);
        expect(reviewScore({ ...c, 1: c[1] + 1 }, { prior, weight }).score).toBeLessThanOrEqual(s + 1e-9);
      }),
    );
  });
});

describe('rankings', () => {
  it('by smoothed score; equal shown scores share a rank, more ratings first, then key', () => {
    const groups = new Map<string, RatingCounts>([
      ['w3', counts({ 5: 5, 1: 5 })], // (500 + 800) / 20 = 65
      ['w4', counts({ 5: 2 })], // (200 + 800) / 12 = 83.33
      ['w1', counts({ 5: 2 })], // same as w4
      ['w6', counts({ 5: 4, 3: 1 })], // (450 + 800) / 15 = 83.33, but 5 ratings
      ['w2', counts({ 5: 18, 4: 2 })], // (1800 + 150 + 800) / 30 = 91.67
      ['w5', counts({ 4: 12 })], // (900 + 800) / 22 = 77.27
    ]);
    const r = rankReviewScores(groups, { prior: 80, weight: 10 });
    expect(r.map((x) => [x.key, x.rank])).toEqual([
      ['w2', 1],
      ['w6', 2],
      ['w1', 2],
      ['w4', 2],
      ['w5', 5],
      ['w3', 6],
    ]);
    expect(r[0]!.score).toBeCloseTo(91.6667, 4);
    expect(r[4]!.score).toBeCloseTo(77.2727, 4);
    // Two 非常满意 do not beat 20 ratings at raw 97.5: w1 raw 100 ranks below w2.
    expect(r.find((x) => x.key === 'w1')!.rawScore).toBe(100);
  });

  it('by hall / region / window with the pooled prior, by hand', () => {
    const rec = (level: RatingLevel, hallId: string, windowId: string | null): ReviewRecord => ({
      level,
      windowId,
      staffId: null,
      departmentId: 'd1',
      hallId,
      regionCode: '230602',
    });
    const records = [
      rec(5, 'hA', 'a1'),
      rec(5, 'hA', 'a1'),
      rec(5, 'hA', 'a2'),
      rec(1, 'hA', null),
      rec(3, 'hB', 'b1'),
    ];
    // pooled prior: (3·100 + 0 + 50) / 5 = 70
    const halls = rankReviews(records, 'hall');
    expect(halls.map((h) => h.key)).toEqual(['hA', 'hB']);
    expect(halls[0]!.score).toBeCloseTo(71.4286, 4); // (300 + 10·70) / (4 + 10) = 1000/14
    expect(halls[1]!.score).toBeCloseTo(68.1818, 4); // (50 + 700) / 11 = 750/11
    expect(rankReviews(records, 'region')).toMatchObject([{ key: '230602', n: 5, score: 70 }]); // (350 + 700) / 15
    // The online review (no window) is not ranked by window: 4 records, prior (300 + 50) / 4 = 87.5.
    const windows = rankReviews(records, 'window');
    expect(windows.map((w) => [w.key, w.n])).toEqual([
      ['a1', 2],
      ['a2', 1],
      ['b1', 1],
    ]);
    expect(windows[0]!.score).toBeCloseTo(89.5833, 4); // (200 + 875) / 12
    expect(rankReviews(records, 'staff')).toEqual([]);
  });

  it('property: the ranking does not depend on input order', () => {
    const rec = fc.record({
      level: fc.constantFrom<RatingLevel>(1, 2, 3, 4, 5),
      windowId: fc.constantFrom('w1', 'w2', 'w3', null),
      staffId: fc.constantFrom('s1', 's2'),
      departmentId: fc.constant('d'),
      hallId: fc.constantFrom('h1', 'h2', 'h3'),
      regionCode: fc.constant('r'),
    });
    const withShuffle = fc
      .array(rec, { maxLength: 40 })
      .chain((a) => fc.tuple(fc.constant(a), fc.shuffledSubarray(a, { minLength: a.length, maxLength: a.length })));
    fc.assert(
      fc.property(withShuffle, fc.constantFrom('window' as const, 'staff' as const, 'hall' as const), ([a, b], by) => {
        expect(rankReviews(b, by)).toEqual(rankReviews(a, by));
      }),
    );
  });
});
