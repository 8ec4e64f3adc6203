import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ticketRequestSchema } from '../contracts/index.ts';
import {
  NIGHT_FACTOR,
  demandFactor,
  hallHour,
  idCheckChar,
  isValidIdNumber,
  nextIntervalMs,
  paceFactor,
  poissonSample,
  seededRandom,
  syntheticName,
  syntheticPerson,
} from './arrivals.ts';

/** fast-check drives the PRNG through its seed, so shrinking stays meaningful. */
const randomArb = fc.integer().map((seed) => seededRandom(seed));

describe('demandFactor (hour-of-day curve)', () => {
  it('peaks in office hours and trickles at night', () => {
    const night = demandFactor(3);
    expect(night).toBe(NIGHT_FACTOR);
    expect(demandFactor(10)).toBe(1);
    expect(demandFactor(15.5)).toBe(1);
    expect(demandFactor(10)).toBeGreaterThan(night);
    // lunch dip sits between night and peak
    expect(demandFactor(12.5)).toBeLessThan(demandFactor(10));
    expect(demandFactor(12.5)).toBeGreaterThan(night);
    expect(demandFactor(22)).toBe(NIGHT_FACTOR);
  });

  it('stays within [NIGHT_FACTOR, 1] at every hour, wrapping outside 0..24', () => {
    fc.assert(
      fc.property(fc.double({ min: -48, max: 48, noNaN: true }), (h) => {
        const f = demandFactor(h);
        return f >= NIGHT_FACTOR - 1e-12 && f <= 1 + 1e-12;
      }),
    );
    expect(demandFactor(34)).toBe(demandFactor(10));
  });

  it('reads the hour in China time regardless of the host zone', () => {
    expect(hallHour(new Date('2024-05-06T10:30:00+08:00'))).toBeCloseTo(10.5);
    expect(hallHour(new Date('2024-05-06T23:00:00Z'))).toBeCloseTo(7);
  });
});

/**
 * The demo pace (contracts/sim.ts): the halls' windows work in office hours
 * (DOMAIN.md), so `hall-clock` sends a trickle in the evening and at night;
 * `always` sends the demo rate (SIM_RATE, the peak) whatever the hour, so a
 * demo started at 19:00 is not an empty wall.
 */
describe('paceFactor (demo pace)', () => {
  // Absolute instants with Beijing's offset: the result must not depend on the host's zone.
  const at = (hhmm: string) => new Date(`2024-05-06T${hhmm}:00+08:00`);
  const peakPerMin = 30;
  const arrivalsPerMin = (pace: 'always' | 'hall-clock', hhmm: string) => peakPerMin * paceFactor(pace, at(hhmm));

  it('always: the normal demo rate at 19:00 and 03:00 Beijing time', () => {
    expect(arrivalsPerMin('always', '19:00')).toBe(peakPerMin);
    expect(arrivalsPerMin('always', '03:00')).toBe(peakPerMin);
  });

  it('hall-clock: 5 % of it at 19:00 and 03:00, the peak in the morning', () => {
    expect(arrivalsPerMin('hall-clock', '19:00')).toBeCloseTo(peakPerMin * 0.05);
    expect(arrivalsPerMin('hall-clock', '03:00')).toBeCloseTo(peakPerMin * 0.05);
    expect(paceFactor('hall-clock', at('19:00'))).toBe(NIGHT_FACTOR);
    expect(arrivalsPerMin('hall-clock', '10:00')).toBe(peakPerMin);
  });

  it("always is the peak at every instant; hall-clock is the day curve at the halls' hour", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4 * 365 * 86_400_000 }), (ms) => {
        const t = new Date(Date.UTC(2024, 0, 1) + ms);
        return paceFactor('always', t) === 1 && paceFactor('hall-clock', t) === demandFactor(hallHour(t));
      }),
    );
  });
});

describe('nextIntervalMs (Poisson arrivals)', () => {
  it('has mean ≈ 1/rate over many samples', () => {
    const r = seededRandom(12345);
    const rate = 1 / 2000; // one per 2 s
    const n = 50_000;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += nextIntervalMs(rate, r);
    // standard error of the mean is 2000/sqrt(n) ≈ 9 ms; allow ~5 sigma
    expect(Math.abs(sum / n - 2000)).toBeLessThan(50);
  });

  it('is positive and finite for any random draw, Infinity for rate 0', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (u) => {
        const d = nextIntervalMs(0.01, () => u);
        return d >= 0 && Number.isFinite(d);
      }),
    );
    expect(nextIntervalMs(0, Math.random)).toBe(Infinity);
  });
});

describe('poissonSample', () => {
  it('has the requested mean for small and large means', () => {
    for (const mean of [0.5, 4, 120]) {
      const r = seededRandom(7);
      let sum = 0;
      for (let i = 0; i < 20_000; i++) sum += poissonSample(mean, r);
      expect(Math.abs(sum / 20_000 - mean)).toBeLessThan(0.05 * mean + 0.05);
    }
    expect(poissonSample(0, Math.random)).toBe(0);
  });
});

describe('synthetic identities', () => {
  it('computes the GB 11643 check character (published example)', () => {
    // GB 11643-1999 Annex example: 11010519491231002X
    expect(idCheckChar('11010519491231002')).toBe('X');
    expect(isValidIdNumber('11010519491231002X')).toBe(true);
    expect(isValidIdNumber('110105194912310021')).toBe(false);
    expect(isValidIdNumber('11010519490230002X')).toBe(false); // 30 Feb
  });

  it('generates only IDs that pass the check, are born 1950–2005 and fit the ticket schema', () => {
    fc.assert(
      fc.property(randomArb, (random) => {
        const p = syntheticPerson(random);
        const year = Number(p.idNumber.slice(6, 10));
        const sexDigit = Number(p.idNumber[16]);
        const req = ticketRequestSchema.safeParse({
          itemCode: 'X1',
          identity: { method: 'id-card', idNumber: p.idNumber, name: p.name },
        });
        return (
          isValidIdNumber(p.idNumber) &&
          year >= 1950 &&
          year <= 2005 &&
          (sexDigit % 2 === 1) === (p.sex === 'M') &&
          req.success
        );
      }),
      { numRuns: 2000 },
    );
  });

  it('generates 2–3 character Chinese names', () => {
    fc.assert(fc.property(randomArb, (random) => /^[\u4e00-\u9fff]{2,3}$/.test(syntheticName(random))));
  });
});
