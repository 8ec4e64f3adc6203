import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DEFAULT_WITHIN_DAYS, isLookupKey, multipleVisits, type Visit } from './multiple-visits.ts';

// Look-up keys as server/security/pii.ts makes them: 43 base64url characters (HMAC-SHA256), or sm3: + 43 (HMAC-SM3).
const A = 'A'.repeat(43);
const B = 'B'.repeat(43);
const C = `sm3:${'C'.repeat(43)}`;
const v = (applicantKey: string, itemCode: string, day: string): Visit => ({ applicantKey, itemCode, day });

const visits = [
  v(A, 'ZH-001', '2026-03-02'),
  v(A, 'ZH-001', '2026-03-02'), // same day: one trip
  v(A, 'ZH-001', '2026-03-10'),
  v(A, 'ZH-001', '2026-04-09'), // +8 days, +30 days (inclusive): same matter
  v(A, 'ZH-001', '2026-06-01'), // +53 days: a new matter
  v(A, 'GA-001', '2026-03-02'), // another item: not a return
  v(B, 'ZH-001', '2026-03-01'),
  v(B, 'ZH-001', '2026-04-01'), // +31 days: two matters at N = 30
  v(C, 'BDC-001', '2026-03-06'),
  v(C, 'BDC-001', '2026-03-05'), // out of order: sorted by day
];

describe('multiple visits (跑多次)', () => {
  it('rate and list within 30 days, by hand', () => {
    expect(DEFAULT_WITHIN_DAYS).toBe(30);
    const r = multipleVisits(visits);
    // matters: A/ZH 2 (03-02…04-09, 06-01), A/GA 1, B/ZH 2, C/BDC 1 = 6; with ≥ 2 trips: A/ZH first, C/BDC = 2
    expect(r.matters).toBe(6);
    expect(r.multiVisitMatters).toBe(2);
    expect(r.rate).toBeCloseTo(0.333333, 6); // 2/6
    expect(r.repeats).toEqual([
      { applicantKey: A, itemCode: 'ZH-001', visits: 3, firstDay: '2026-03-02', lastDay: '2026-04-09' },
      { applicantKey: C, itemCode: 'BDC-001', visits: 2, firstDay: '2026-03-05', lastDay: '2026-03-06' },
    ]);
  });

  it('N = 31 joins B’s two trips 31 days apart', () => {
    const r = multipleVisits(visits, { withinDays: 31 });
    // matters: A/ZH 2, A/GA 1, B/ZH 1, C/BDC 1 = 5; multi: A/ZH, B/ZH, C/BDC = 3
    expect(r).toMatchObject({ matters: 5, multiVisitMatters: 3, rate: 0.6 });
    expect(r.repeats.map((x) => [x.applicantKey.slice(0, 4), x.visits])).toEqual([
      ['AAAA', 3],
      ['BBBB', 2],
      ['sm3:', 2],
    ]); // 'B' < 's'
  });

  it('no visits: no rate', () => {
    expect(multipleVisits([])).toEqual({ matters: 0, multiVisitMatters: 0, rate: null, repeats: [] });
  });

  it('refuses a plain ID number, a bad day and a bad N', () => {
    expect(isLookupKey('230602199001011234')).toBe(false);
    expect(() => multipleVisits([v('230602199001011234', 'ZH-001', '2026-03-02')])).toThrow(/keyed look-up hash/);
    expect(() => multipleVisits([v(A, 'ZH-001', '2026-02-30')])).toThrow(/YYYY-MM-DD/);
    expect(() => multipleVisits(visits, { withinDays: 0 })).toThrow(/withinDays/);
  });

  it('property: rate in [0, 1]; a longer N never makes more matters', () => {
    const day = fc
      .integer({ min: 0, max: 120 })
      .map((d) => new Date(Date.UTC(2026, 0, 1) + d * 86_400_000).toISOString().slice(0, 10));
    const visit = fc.record({
      applicantKey: fc.constantFrom(A, B, C),
      itemCode: fc.constantFrom('ZH-001', 'GA-001'),
      day,
    });
    fc.assert(
      fc.property(
        fc.array(visit, { maxLength: 40 }),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 0, max: 60 }),
        (vs, n, more) => {
          const r = multipleVisits(vs, { withinDays: n });
          if (r.rate !== null) expect(r.rate >= 0 && r.rate <= 1).toBe(true);
          expect(multipleVisits(vs, { withinDays: n + more }).matters).toBeLessThanOrEqual(r.matters);
        },
      ),
    );
  });
});
