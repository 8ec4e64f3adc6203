/**
 * A latency histogram that several generator processes can fill on their own
 * and the coordinator can add up: fixed buckets, so merging is adding counts.
 *
 * Resolution: 1 ms below 1 s, 10 ms below 10 s, 100 ms below 120 s; beyond
 * that one overflow bucket (the exact maximum is kept apart). A percentile is
 * the upper edge of the bucket that holds it, so it never flatters.
 */

const EDGES = [
  { upTo: 1_000, step: 1 },
  { upTo: 10_000, step: 10 },
  { upTo: 120_000, step: 100 },
] as const;

function bucketCount(): number {
  let n = 0;
  let from = 0;
  for (const e of EDGES) {
    n += (e.upTo - from) / e.step;
    from = e.upTo;
  }
  return n + 1; // + overflow
}
const BUCKETS = bucketCount();

/** What crosses the process boundary (IPC) and goes into the JSON result. */
export interface HistData {
  /** Sparse counts: [bucketIndex, count] pairs. */
  counts: [number, number][];
  n: number;
  sum: number;
  min: number | null;
  max: number | null;
}

export interface HistSummary {
  n: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
  mean: number | null;
}

export class Hist {
  private readonly counts = new Float64Array(BUCKETS);
  n = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;

  add(ms: number): void {
    const v = ms < 0 ? 0 : ms;
    this.counts[indexOf(v)]! += 1;
    this.n++;
    this.sum += v;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
  }

  merge(d: HistData): void {
    for (const [i, c] of d.counts) this.counts[i]! += c;
    this.n += d.n;
    this.sum += d.sum;
    if (d.min !== null && d.min < this.min) this.min = d.min;
    if (d.max !== null && d.max > this.max) this.max = d.max;
  }

  reset(): void {
    this.counts.fill(0);
    this.n = 0;
    this.sum = 0;
    this.min = Infinity;
    this.max = -Infinity;
  }

  data(): HistData {
    const counts: [number, number][] = [];
    for (let i = 0; i < BUCKETS; i++) if (this.counts[i]! > 0) counts.push([i, this.counts[i]!]);
    return {
      counts,
      n: this.n,
      sum: this.sum,
      min: this.n ? this.min : null,
      max: this.n ? this.max : null,
    };
  }

  /** Nearest rank, reported as the bucket's upper edge (capped by the true maximum). */
  percentile(q: number): number | null {
    if (this.n === 0) return null;
    const rank = Math.max(1, Math.ceil(q * this.n));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return Math.min(upperEdge(i), this.max);
    }
    return this.max;
  }

  summary(): HistSummary {
    return {
      n: this.n,
      p50: r1(this.percentile(0.5)),
      p95: r1(this.percentile(0.95)),
      p99: r1(this.percentile(0.99)),
      max: this.n ? r1(this.max) : null,
      mean: this.n ? r1(this.sum / this.n) : null,
    };
  }

  static from(d: HistData): Hist {
    const h = new Hist();
    h.merge(d);
    return h;
  }
}

function indexOf(v: number): number {
  let base = 0;
  let from = 0;
  for (const e of EDGES) {
    if (v < e.upTo) return base + Math.floor((v - from) / e.step);
    base += (e.upTo - from) / e.step;
    from = e.upTo;
  }
  return BUCKETS - 1;
}

function upperEdge(i: number): number {
  let base = 0;
  let from = 0;
  for (const e of EDGES) {
    const n = (e.upTo - from) / e.step;
    if (i < base + n) return from + (i - base + 1) * e.step;
    base += n;
    from = e.upTo;
  }
  return Infinity;
}

function r1(v: number | null): number | null {
  return v === null ? null : Math.round(v * 10) / 10;
}

/** Named histograms (one per endpoint, per kind, …) that merge by name. */
export class HistSet {
  readonly byName = new Map<string, Hist>();
  get(name: string): Hist {
    let h = this.byName.get(name);
    if (!h) this.byName.set(name, (h = new Hist()));
    return h;
  }
  data(): Record<string, HistData> {
    return Object.fromEntries([...this.byName].map(([k, h]) => [k, h.data()]));
  }
  merge(d: Record<string, HistData>): void {
    for (const [k, v] of Object.entries(d)) this.get(k).merge(v);
  }
}

/** Counters by name that merge by adding. */
export type Tally = Record<string, number>;
export function bump(t: Tally, key: string, by = 1): void {
  t[key] = (t[key] ?? 0) + by;
}
export function addTally(into: Tally, from: Tally): void {
  for (const [k, v] of Object.entries(from)) bump(into, k, v);
}
