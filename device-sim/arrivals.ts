/**
 * The pure parts of the device simulator: how many citizens arrive when, and
 * who they are. No I/O and no clock of their own, so tests can pin them down.
 */

import type { DemoPace } from '../contracts/index.ts';

/** A source of uniform numbers in [0, 1), like Math.random. */
export type Random = () => number;

/**
 * Seeded PRNG (mulberry32): tests and reproducible demo runs need the same
 * sequence every time, which Math.random cannot give.
 * @example const r = seededRandom(42); r(); // 0.6011…
 */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ── hour-of-day demand ─────────────────────────────────────────────────────

/** Night trickle: halls are closed, but the demo wall should never look dead. */
export const NIGHT_FACTOR = 0.05;

/**
 * (hour of day, share of the peak rate) knots of a government hall's working
 * day; linear between knots. Doors open 9:00 with a queue already outside,
 * morning peak 9–11, lunch dip 12–13:30, afternoon peak 14:30–16:30, doors
 * close 17:30.
 */
const CURVE: ReadonlyArray<readonly [number, number]> = [
  [0, NIGHT_FACTOR],
  [8.5, NIGHT_FACTOR],
  [9, 0.9],
  [9.5, 1],
  [11, 1],
  [12, 0.3],
  [13.5, 0.3],
  [14.5, 1],
  [16.5, 1],
  [17.5, NIGHT_FACTOR],
  [24, NIGHT_FACTOR],
];

/** China Standard Time (UTC+8, no DST): the halls' clock, whatever the host's zone. */
export const HALL_UTC_OFFSET_MIN = 8 * 60;

/** Fractional hour of day (0 ≤ h < 24) at the halls, from an absolute instant. */
export function hallHour(at: Date, utcOffsetMin = HALL_UTC_OFFSET_MIN): number {
  const min = (((at.getTime() / 60_000 + utcOffsetMin) % 1440) + 1440) % 1440;
  return min / 60;
}

/**
 * Share of the daily peak arrival rate at a given hall hour, in [NIGHT_FACTOR, 1].
 * @example demandFactor(10) // 1 (morning peak); demandFactor(3) // 0.05
 */
export function demandFactor(hour: number): number {
  const h = ((hour % 24) + 24) % 24;
  for (let i = 1; i < CURVE.length; i++) {
    const [h1, f1] = CURVE[i]!;
    if (h <= h1) {
      const [h0, f0] = CURVE[i - 1]!;
      return f0 + ((f1 - f0) * (h - h0)) / (h1 - h0);
    }
  }
  return NIGHT_FACTOR;
}

/**
 * Share of the peak rate the simulator sends at an instant, by demo pace
 * (contracts/sim.ts). `hall-clock`: the halls' day above, a trickle outside
 * opening hours. `always`: the peak at every hour, because a newcomer who
 * starts the demo in the evening should see lines form within a minute, not
 * a 5 % trickle; the wall tells them the pace is not the halls' day.
 * @example paceFactor('always', new Date('2024-05-06T19:00+08:00')) // 1
 * @example paceFactor('hall-clock', new Date('2024-05-06T19:00+08:00')) // 0.05
 */
export function paceFactor(pace: DemoPace, at: Date): number {
  return pace === 'always' ? 1 : demandFactor(hallHour(at));
}

// ── Poisson process ────────────────────────────────────────────────────────

/**
 * Time to the next arrival of a Poisson process (exponential, inverse CDF).
 * Rate in events per ms; returns ms, Infinity when the rate is 0.
 * @example nextIntervalMs(1 / 1000, Math.random) // mean 1000
 */
export function nextIntervalMs(ratePerMs: number, random: Random): number {
  if (!(ratePerMs > 0)) return Infinity;
  // 1 - u is in (0, 1], so the log is finite.
  return -Math.log(1 - random()) / ratePerMs;
}

/**
 * A Poisson-distributed count with the given mean (camera head counts).
 * Knuth's method for small means, a rounded normal for large ones, where
 * Knuth would need too many draws and exp(-mean) underflows.
 */
export function poissonSample(mean: number, random: Random): number {
  if (!(mean > 0)) return 0;
  if (mean > 30) {
    const u1 = 1 - random();
    const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * random());
    return Math.max(0, Math.round(mean + z * Math.sqrt(mean)));
  }
  const limit = Math.exp(-mean);
  let k = 0;
  let p = random();
  while (p > limit) {
    k++;
    p *= random();
  }
  return k;
}

// ── synthetic identities ───────────────────────────────────────────────────

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const ID_CHECK_CHARS = '10X98765432';

/** GB 11643-1999 check character for the first 17 digits of an ID number. */
export function idCheckChar(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new Error('idCheckChar needs 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * ID_WEIGHTS[i]!;
  return ID_CHECK_CHARS[sum % 11]!;
}

/** True for an 18-character ID number with a real birth date and the right check character. */
export function isValidIdNumber(id: string): boolean {
  if (!/^\d{17}[\dX]$/.test(id)) return false;
  const y = Number(id.slice(6, 10)),
    m = Number(id.slice(10, 12)),
    d = Number(id.slice(12, 14));
  const birth = new Date(Date.UTC(y, m - 1, d));
  if (birth.getUTCFullYear() !== y || birth.getUTCMonth() !== m - 1 || birth.getUTCDate() !== d) return false;
  return idCheckChar(id.slice(0, 17)) === id[17];
}

/** Region prefixes (GB/T 2260): mostly Maoming (4409xx), where the seeds' halls are, plus a few visitors. */
const REGIONS = [
  '440902',
  '440904',
  '440981',
  '440982',
  '440983',
  '440984',
  '440106',
  '440304',
  '110105',
  '310115',
] as const;

const pick = <T>(xs: readonly T[], random: Random): T => xs[Math.floor(random() * xs.length)]!;
const pad = (n: number, w: number) => String(n).padStart(w, '0');

export interface SyntheticPerson {
  idNumber: string;
  name: string;
  sex: 'M' | 'F';
}

/**
 * A made-up citizen: valid-looking 18-character ID (born 1950–2005, sequence
 * digit odd for men as GB 11643 says) and a Chinese name. Test data only.
 */
export function syntheticPerson(random: Random): SyntheticPerson {
  const start = Date.UTC(1950, 0, 1),
    end = Date.UTC(2005, 11, 31);
  const birth = new Date(start + Math.floor(random() * ((end - start) / 86_400_000 + 1)) * 86_400_000);
  const sex = random() < 0.5 ? 'M' : 'F';
  // Third sequence digit: odd = male, even = female.
  const seq = Math.floor(random() * 50) * 2 + (sex === 'M' ? 1 : 0);
  const first17 =
    pick(REGIONS, random) +
    pad(birth.getUTCFullYear(), 4) +
    pad(birth.getUTCMonth() + 1, 2) +
    pad(birth.getUTCDate(), 2) +
    pad(Math.floor(random() * 10), 1) +
    pad(seq, 2);
  return { idNumber: first17 + idCheckChar(first17), name: syntheticName(random, sex), sex };
}

const SURNAMES =
  '李王张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高梁郑谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程苏魏吕丁任沈姚卢钟谭廖'.split(
    '',
  );
const GIVEN_M = '伟强磊军勇杰涛斌明辉刚健鹏华平志宏建国文俊峰浩宇博'.split('');
const GIVEN_F = '芳娜敏静丽艳娟霞秀英玲桂兰婷雪琳颖慧佳欣怡梅红燕晶'.split('');

/** A Chinese name: one-character surname and a one- or two-character given name. */
export function syntheticName(random: Random, sex: 'M' | 'F' = random() < 0.5 ? 'M' : 'F'): string {
  const given = sex === 'M' ? GIVEN_M : GIVEN_F;
  const first = pick(given, random);
  return pick(SURNAMES, random) + first + (random() < 0.6 ? pick(given, random) : '');
}
