import { describe, expect, it } from 'vitest';
import type { EfficiencyInputs } from '../../analytics/model-inputs.ts';
import type { ItemStandard } from '../store/item-standards-repo.ts';
import { efficiencyResponse, rankEfficiency } from './service-efficiency.ts';

// Seed 001 服务效能模型 / 涉企服务效能模型 as the screen assembles it: item A has a configured standard (12 min, which
// wins over its period average of 10); item B has none, so its average (30) stands in, and it is flagged 涉企.
const inputs: EfficiencyInputs = {
  services: [
    { hallId: 'h1', windowId: 'w1', staffId: 's1', itemCode: 'A', cases: 2, serviceMin: 20 },
    { hallId: 'h1', windowId: 'w2', staffId: 's2', itemCode: 'B', cases: 1, serviceMin: 30 },
  ],
  open: [
    { hallId: 'h1', windowId: 'w1', staffId: 's1', openMin: 60 },
    { hallId: 'h1', windowId: 'w2', staffId: 's2', openMin: 120 },
    // Opened with nobody signed in: no staff row.
    { hallId: 'h1', windowId: 'w3', staffId: '', openMin: 30 },
  ],
  averageMin: new Map([
    ['h1/A', 10],
    ['h1/B', 30],
  ]),
};
const standards = new Map<string, ItemStandard>([
  ['h1/A', { standardMin: 12, enterprise: false }],
  ['h1/B', { standardMin: null, enterprise: true }],
]);

describe('service efficiency read model', () => {
  it('per window: configured standard first, else the period average; highest throughput first; names or the key', () => {
    const q = { by: 'window' as const, enterprise: false, limit: 50 };
    const body = efficiencyResponse(q, rankEfficiency(inputs, standards, q), new Map([['w1', '1号窗口']]));
    // w1: 2 cases × 12 = 24 standard min over 60 open → 0.4; 2 per hour; idle (60 − 20) / 60 = 0.67; 20 / 24 = 0.83.
    // w2: 1 case × 30 (average) over 120 open → 0.25; 0.5 per hour; idle 90 / 120 = 0.75; 30 / 30 = 1; one fallback case.
    // w3: open 30, nothing served → throughput 0, idle 1.
    expect(body).toEqual({
      by: 'window',
      enterprise: false,
      rows: [
        {
          key: 'w1',
          name: '1号窗口',
          hallId: 'h1',
          cases: 2,
          serviceMin: 20,
          standardMin: 24,
          openMin: 60,
          casesPerHour: 2,
          throughput: 0.4,
          idleShare: 0.67,
          handlingVsStandard: 0.83,
          fallbackStandardCases: 0,
        },
        {
          key: 'w2',
          name: 'w2',
          hallId: 'h1',
          cases: 1,
          serviceMin: 30,
          standardMin: 30,
          openMin: 120,
          casesPerHour: 0.5,
          throughput: 0.25,
          idleShare: 0.75,
          handlingVsStandard: 1,
          fallbackStandardCases: 1,
        },
        {
          key: 'w3',
          name: 'w3',
          hallId: 'h1',
          cases: 0,
          serviceMin: 0,
          standardMin: 0,
          openMin: 30,
          casesPerHour: 0,
          throughput: 0,
          idleShare: 1,
          handlingVsStandard: null,
          fallbackStandardCases: 0,
        },
      ],
    });
  });

  it("涉企 per staff: only enterprise cases count, idle share stays the staff member's own, no row for nobody, cut to the limit", () => {
    const q = { by: 'staff' as const, enterprise: true, limit: 1 };
    const ranking = rankEfficiency(inputs, standards, q);
    // s2: B is 涉企: 1 case × 30 over 120 → 0.25. s1: A is not, 0 cases → throughput 0, idle (60 − 20) / 60. '' is dropped.
    expect(ranking.rows.map((x) => [x.key, x.throughput])).toEqual([['s2', 0.25]]);
    expect(efficiencyResponse(q, ranking, new Map()).rows).toEqual([
      {
        key: 's2',
        name: 's2',
        hallId: 'h1',
        cases: 1,
        serviceMin: 30,
        standardMin: 30,
        openMin: 120,
        casesPerHour: 0.5,
        throughput: 0.25,
        idleShare: 0.75,
        handlingVsStandard: 1,
        fallbackStandardCases: 1,
      },
    ]);
    expect(
      rankEfficiency(inputs, standards, { ...q, limit: 50 }).rows.map((x) => [
        x.key,
        x.cases,
        x.throughput,
        Math.round(x.idleShare! * 100) / 100,
      ]),
    ).toEqual([
      ['s2', 1, 0.25, 0.75],
      ['s1', 0, 0, 0.67],
    ]);
  });

  it('no inputs: no rows', () => {
    const q = { by: 'window' as const, enterprise: false, limit: 50 };
    expect(
      efficiencyResponse(q, rankEfficiency({ services: [], open: [], averageMin: new Map() }, new Map(), q), new Map()),
    ).toEqual({ by: 'window', enterprise: false, rows: [] });
  });
});
