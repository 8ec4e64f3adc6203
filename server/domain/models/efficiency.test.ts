import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DEFAULT_SERVICE_MIN } from '../ticketing.ts';
import {
  caseEfficiency,
  DEFAULT_FALLBACK_STANDARD_MIN,
  enterpriseCaseEfficiency,
  enterpriseServiceEfficiency,
  serviceEfficiency,
  type CaseTimes,
  type OpenSpan,
  type ServiceRecord,
} from './efficiency.ts';

const standardMin = { 'ZH-001': 10, 'BDC-001': 30 };
const open: OpenSpan[] = [
  { windowId: 'w1', staffId: 's1', openMin: 120 },
  { windowId: 'w2', staffId: 's2', openMin: 120 },
  { windowId: 'w2', staffId: 's1', openMin: 60 }, // s1 moved to w2 for the last hour
];
const services: ServiceRecord[] = [
  { windowId: 'w1', staffId: 's1', itemCode: 'ZH-001', serviceMin: 12, applicant: 'person' },
  { windowId: 'w1', staffId: 's1', itemCode: 'ZH-001', serviceMin: 8, applicant: 'enterprise' },
  { windowId: 'w1', staffId: 's1', itemCode: 'BDC-001', serviceMin: 40, applicant: 'enterprise' },
  { windowId: 'w1', staffId: 's1', itemCode: 'XX-999', serviceMin: 6, applicant: 'person' }, // no standard time → fallback 8
  { windowId: 'w2', staffId: 's2', itemCode: 'ZH-001', serviceMin: 10, applicant: 'person' },
  { windowId: 'w2', staffId: 's2', itemCode: 'ZH-001', serviceMin: 14, applicant: 'person' },
  { windowId: 'w2', staffId: 's1', itemCode: 'BDC-001', serviceMin: 20, applicant: 'person' },
];

describe('service efficiency (服务效能) per window and staff', () => {
  it('the fallback standard time is the queue default service time', () => {
    expect(DEFAULT_FALLBACK_STANDARD_MIN).toBe(DEFAULT_SERVICE_MIN);
  });

  it('per window, by hand', () => {
    const [w1, w2] = serviceEfficiency(services, open, { by: 'window', standardMin });
    // w1: 4 cases, service 12+8+40+6 = 66, standard 10+10+30+8 = 58, open 120
    expect(w1).toEqual({
      key: 'w1',
      cases: 4,
      serviceMin: 66,
      standardMin: 58,
      openMin: 120,
      casesPerHour: 2, // 4 / 120 × 60
      throughput: 58 / 120, // 0.4833
      idleShare: 0.45, // (120 − 66) / 120 = 54/120
      missingStandard: 1,
    });
    // w2: 3 cases, service 10+14+20 = 44, standard 10+10+30 = 50, open 120 + 60 = 180
    expect(w2).toMatchObject({
      key: 'w2',
      cases: 3,
      serviceMin: 44,
      standardMin: 50,
      openMin: 180,
      casesPerHour: 1,
      missingStandard: 0,
    });
    expect(w2!.throughput).toBeCloseTo(0.27778, 5); // 50 / 180
    expect(w2!.idleShare).toBeCloseTo(0.75556, 5); // (180 − 44) / 180 = 136/180
  });

  it('per staff member, by hand', () => {
    const [s1, s2] = serviceEfficiency(services, open, { by: 'staff', standardMin });
    // s1: open 120 + 60 = 180; 5 cases; service 12+8+40+6+20 = 86; standard 10+10+30+8+30 = 88
    expect(s1).toMatchObject({ key: 's1', cases: 5, serviceMin: 86, standardMin: 88, openMin: 180 });
    expect(s1!.casesPerHour).toBeCloseTo(1.66667, 5); // 5 / 180 × 60
    expect(s1!.throughput).toBeCloseTo(0.48889, 5); // 88 / 180
    expect(s1!.idleShare).toBeCloseTo(0.52222, 5); // (180 − 86) / 180 = 94/180
    // s2: open 120; 2 cases; service 24; standard 20
    expect(s2).toMatchObject({
      key: 's2',
      cases: 2,
      serviceMin: 24,
      standardMin: 20,
      openMin: 120,
      casesPerHour: 1,
      idleShare: 0.8,
    }); // 96/120
    expect(s2!.throughput).toBeCloseTo(0.16667, 5); // 20 / 120
  });

  it('enterprise (涉企): only enterprise cases count, idle share stays the window’s own', () => {
    const [w1, w2] = enterpriseServiceEfficiency(services, open, { by: 'window', standardMin });
    // w1 enterprise: cases 8 + 40 min service, standard 10 + 30 = 40 over 120 open minutes
    expect(w1).toMatchObject({
      key: 'w1',
      cases: 2,
      serviceMin: 48,
      standardMin: 40,
      casesPerHour: 1,
      idleShare: 0.45,
    });
    expect(w1!.throughput).toBeCloseTo(0.33333, 5); // 40 / 120
    expect(w2).toMatchObject({ key: 'w2', cases: 0, standardMin: 0, throughput: 0 });
    expect(w2!.idleShare).toBeCloseTo(0.75556, 5); // same as all applicants
  });

  it('a key with services but no open time has no rates; a configured fallback is used', () => {
    const rows = serviceEfficiency(
      [{ windowId: 'w9', staffId: 's9', itemCode: 'XX', serviceMin: 5, applicant: 'person' }],
      [],
      { by: 'window', standardMin, fallbackStandardMin: 15 },
    );
    expect(rows).toEqual([
      {
        key: 'w9',
        cases: 1,
        serviceMin: 5,
        standardMin: 15,
        openMin: 0,
        casesPerHour: null,
        throughput: null,
        idleShare: null,
        missingStandard: 1,
      },
    ]);
  });

  it('an aggregate row (count) gives what its services one by one give', () => {
    // w1's two ZH-001 services (12 + 8 min) and w2's two (10 + 14 min) as one row each, all as persons.
    const single = services.filter((x) => x.itemCode === 'ZH-001').map((x) => ({ ...x, applicant: 'person' as const }));
    const grouped: ServiceRecord[] = [
      { windowId: 'w1', staffId: 's1', itemCode: 'ZH-001', serviceMin: 20, applicant: 'person', count: 2 },
      { windowId: 'w2', staffId: 's2', itemCode: 'ZH-001', serviceMin: 24, applicant: 'person', count: 2 },
    ];
    expect(serviceEfficiency(grouped, open, { by: 'window', standardMin })).toEqual(
      serviceEfficiency(single, open, { by: 'window', standardMin }),
    );
    // A missing standard counts every service of the row: 3 × fallback 8 = 24.
    const [w] = serviceEfficiency(
      [{ windowId: 'w1', staffId: 's1', itemCode: 'XX', serviceMin: 21, applicant: 'person', count: 3 }],
      [],
      { by: 'window', standardMin },
    );
    expect(w).toMatchObject({ cases: 3, standardMin: 24, missingStandard: 3 });
    expect(() => serviceEfficiency([{ ...grouped[0]!, count: 1.5 }], [], { by: 'window', standardMin })).toThrow(
      /count/,
    );
  });

  it('refuses negative minutes', () => {
    expect(() =>
      serviceEfficiency([], [{ windowId: 'w', staffId: 's', openMin: -1 }], { by: 'window', standardMin }),
    ).toThrow(/openMin/);
  });

  it('property: person + enterprise rows add up to all; idle share in [0, 1]', () => {
    const svc = fc.record({
      windowId: fc.constantFrom('w1', 'w2', 'w3'),
      staffId: fc.constantFrom('s1', 's2'),
      itemCode: fc.constantFrom('ZH-001', 'BDC-001', 'XX'),
      serviceMin: fc.integer({ min: 0, max: 90 }),
      applicant: fc.constantFrom('person' as const, 'enterprise' as const),
    });
    const span = fc.record({
      windowId: fc.constantFrom('w1', 'w2', 'w3'),
      staffId: fc.constantFrom('s1', 's2'),
      openMin: fc.integer({ min: 0, max: 600 }),
    });
    fc.assert(
      fc.property(
        fc.array(svc, { maxLength: 30 }),
        fc.array(span, { maxLength: 6 }),
        fc.constantFrom('window' as const, 'staff' as const),
        (ss, os, by) => {
          const all = serviceEfficiency(ss, os, { by, standardMin });
          const person = serviceEfficiency(ss, os, { by, standardMin, applicant: 'person' });
          const ent = serviceEfficiency(ss, os, { by, standardMin, applicant: 'enterprise' });
          all.forEach((row, i) => {
            expect(person[i]!.cases + ent[i]!.cases).toBe(row.cases);
            expect(person[i]!.standardMin + ent[i]!.standardMin).toBe(row.standardMin);
            if (row.idleShare !== null) expect(row.idleShare >= 0 && row.idleShare <= 1).toBe(true);
          });
        },
      ),
    );
  });
});

const cases: CaseTimes[] = [
  { caseId: 'c1', itemCode: 'ZH-001', applicant: 'person', usedDays: 3, promisedDays: 5, legalDays: 20 },
  { caseId: 'c2', itemCode: 'BDC-001', applicant: 'enterprise', usedDays: 8, promisedDays: 10, legalDays: 30 },
  { caseId: 'c3', itemCode: 'BDC-001', applicant: 'enterprise', usedDays: 12, promisedDays: 10, legalDays: 30 }, // over the promise
  { caseId: 'c4', itemCode: 'ZH-002', applicant: 'person', usedDays: 0, promisedDays: 0, legalDays: 1 }, // 即办件
];

describe('case efficiency (办件效能, 减时间)', () => {
  it('all applicants, by hand', () => {
    const e = caseEfficiency(cases);
    expect(e.cases).toBe(4);
    expect(e.onPromisedRate).toBe(0.75); // c1 3≤5, c2 8≤10, c4 0≤0 → 3/4
    expect(e.withinLegalRate).toBe(1); // 4/4
    expect(e.overPromised).toBe(1); // c3
    expect(e.savedVsPromised).toBe(0.08); // promised 5+10+10 = 25 (c4 has none); saved 2+2−2 = 2 → 2/25
    expect(e.savedVsLegal).toBeCloseTo(0.71605, 5); // legal 20+30+30+1 = 81; saved 17+22+18+1 = 58 → 58/81
    expect(e.promisedCompression).toBeCloseTo(0.69136, 5); // (15+20+20+1)/81 = 56/81
  });

  it('enterprise applicants (涉企), by hand', () => {
    const e = enterpriseCaseEfficiency(cases);
    expect(e).toMatchObject({ cases: 2, onPromisedRate: 0.5, withinLegalRate: 1, overPromised: 1, savedVsPromised: 0 }); // (2 − 2)/20
    expect(e.savedVsLegal).toBeCloseTo(0.66667, 5); // (22 + 18) / 60
    expect(e.promisedCompression).toBeCloseTo(0.66667, 5); // (20 + 20) / 60
  });

  it('no cases: nothing to divide by', () => {
    expect(caseEfficiency([])).toEqual({
      cases: 0,
      onPromisedRate: null,
      withinLegalRate: null,
      overPromised: 0,
      savedVsPromised: null,
      savedVsLegal: null,
      promisedCompression: null,
    });
  });
});
