import { describe, expect, it } from 'vitest';
import type { VisitInputs } from '../../analytics/model-inputs.ts';
import { countVisits, multipleVisitsResponse } from './multiple-visits.ts';

// Keyed look-up hashes (43 base64url characters), never ID numbers.
const K1 = 'a'.repeat(43);
const K2 = 'b'.repeat(43);
const v: VisitInputs = {
  multi: [
    // K1, item A: 03-01 → 03-05 (4 days) → 03-20 (15 days): one matter of 3 trips within 30 days.
    { applicantKey: K1, itemCode: 'A', day: '2024-03-01' },
    { applicantKey: K1, itemCode: 'A', day: '2024-03-05' },
    { applicantKey: K1, itemCode: 'A', day: '2024-03-20' },
    // K2, item A: two days in a row: one matter of 2 trips.
    { applicantKey: K2, itemCode: 'A', day: '2024-03-01' },
    { applicantKey: K2, itemCode: 'A', day: '2024-03-02' },
    // K2, item B: 60 days apart: two matters of one trip each.
    { applicantKey: K2, itemCode: 'B', day: '2024-01-01' },
    { applicantKey: K2, itemCode: 'B', day: '2024-03-01' },
  ],
  // Pairs with a single trip day, counted in ClickHouse: 3 for A, 2 for C (an item nobody came back for).
  singlesByItem: new Map([
    ['A', 3],
    ['C', 2],
  ]),
  trips: 12,
  skippedTrips: 1,
};

describe('multiple visits read model (跑多次)', () => {
  it('matters in all and per item, by trips, items with the most multi-visit matters first', () => {
    const q = { withinDays: 30, limit: 50 };
    const c = countVisits(v, q);
    // Chained: K1/A, K2/A, K2/B twice = 4 matters, 2 with ≥ 2 trips; plus 5 single-day pairs = 9; rate 2/9 = 0.22.
    // A: 2 chained + 3 singles = 5 matters, 2 multi → 0.4, most trips 3. B: 2 matters, none multi, 1 trip.
    // C: 2 singles. B and C tie on 0 and 0: by code.
    expect(multipleVisitsResponse(q, v, c, new Map([['A', '户籍迁移']]))).toEqual({
      withinDays: 30,
      trips: 12,
      matters: 9,
      multiVisitMatters: 2,
      rate: 0.22,
      byTrips: { two: 1, three: 1, fourPlus: 0 },
      items: [
        { itemCode: 'A', matters: 5, multiVisitMatters: 2, rate: 0.4, maxTrips: 3, name: '户籍迁移' },
        { itemCode: 'B', matters: 2, multiVisitMatters: 0, rate: 0, maxTrips: 1, name: 'B' },
        { itemCode: 'C', matters: 2, multiVisitMatters: 0, rate: 0, maxTrips: 1, name: 'C' },
      ],
      skippedKeys: 1,
    });
  });

  it('a longer window joins trips a shorter one splits; the list is cut to the limit, the totals are not', () => {
    // Within 90 days K2's two trips for B (60 days apart) are one matter of 2 trips.
    const c = countVisits(v, { withinDays: 90, limit: 1 });
    expect([c.matters, c.multiVisitMatters, c.rate, c.byTrips]).toEqual([
      8,
      3,
      0.38,
      { two: 2, three: 1, fourPlus: 0 },
    ]);
    expect(c.items).toEqual([{ itemCode: 'A', matters: 5, multiVisitMatters: 2, rate: 0.4, maxTrips: 3 }]);
  });

  it('no trips: nothing, and a null rate', () => {
    const none: VisitInputs = { multi: [], singlesByItem: new Map(), trips: 0, skippedTrips: 0 };
    const c = countVisits(none, { withinDays: 30, limit: 50 });
    expect(multipleVisitsResponse({ withinDays: 30 }, none, c, new Map())).toEqual({
      withinDays: 30,
      trips: 0,
      matters: 0,
      multiVisitMatters: 0,
      rate: null,
      byTrips: { two: 0, three: 0, fourPlus: 0 },
      items: [],
      skippedKeys: 0,
    });
  });
});
