/**
 * Small statistics helpers for the benchmarks: exact percentiles over
 * recorded samples, and bucket-based estimates over prom-client histograms.
 */

/** Latency summary in milliseconds; `null` means "beyond the observation window" (a lost sample sits there). */
export interface Summary {
  n: number;
  /** Samples that never arrived; they are ranked as +∞, so they push the high percentiles up. */
  missing: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
  mean: number | null;
}

/**
 * Nearest-rank percentiles. Missing samples count as +∞ (coordinated-omission
 * safe: a request that never completed is not quietly dropped from the tail).
 * @example summarize([1, 2, 3, 4], 0).p50 // 2
 */
export function summarize(values: number[], missing = 0): Summary {
  const sorted = Float64Array.from(values).sort();
  const total = sorted.length + missing;
  const at = (q: number): number | null => {
    if (total === 0) return null;
    const rank = Math.max(1, Math.ceil(q * total));
    return rank <= sorted.length ? round(sorted[rank - 1]!) : null;
  };
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    n: sorted.length,
    missing,
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
    max: missing > 0 ? null : sorted.length ? round(sorted[sorted.length - 1]!) : null,
    mean: sorted.length ? round(sum / sorted.length) : null,
  };
}

export function round(v: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

/** A prom-client histogram read at one instant (cumulative bucket counts). */
export interface HistogramSnapshot {
  buckets: { le: number; count: number }[];
  sum: number;
  count: number;
}

interface MetricLike {
  get(): Promise<{
    values: { labels: Record<string, string | number | undefined>; value: number; metricName?: string }[];
  }>;
}

/** Reads one histogram, summing over the series whose labels match `filter`. */
export async function readHistogram(
  metric: MetricLike | undefined,
  filter: Record<string, string> = {},
): Promise<HistogramSnapshot> {
  const out: HistogramSnapshot = { buckets: [], sum: 0, count: 0 };
  if (!metric) return out;
  const byLe = new Map<number, number>();
  for (const v of (await metric.get()).values) {
    if (!Object.entries(filter).every(([k, want]) => v.labels[k] === want)) continue;
    const name = v.metricName ?? '';
    if (name.endsWith('_bucket')) {
      const le = v.labels.le === '+Inf' ? Infinity : Number(v.labels.le);
      byLe.set(le, (byLe.get(le) ?? 0) + v.value);
    } else if (name.endsWith('_sum')) out.sum += v.value;
    else if (name.endsWith('_count')) out.count += v.value;
  }
  out.buckets = [...byLe].map(([le, count]) => ({ le, count })).sort((a, b) => a.le - b.le);
  return out;
}

export function diffHistogram(after: HistogramSnapshot, before: HistogramSnapshot): HistogramSnapshot {
  const prev = new Map(before.buckets.map((b) => [b.le, b.count]));
  return {
    buckets: after.buckets.map((b) => ({ le: b.le, count: b.count - (prev.get(b.le) ?? 0) })),
    sum: after.sum - before.sum,
    count: after.count - before.count,
  };
}

/** Server-side histogram figures in ms: mean, and the bucket bound under which p50/p99 fall (null: above the last bound). */
export interface HistogramFigures {
  count: number;
  meanMs: number | null;
  p50LeMs: number | null;
  p99LeMs: number | null;
}

export function histogramFigures(h: HistogramSnapshot): HistogramFigures {
  const le = (q: number): number | null => {
    if (h.count === 0) return null;
    const want = q * h.count;
    for (const b of h.buckets) if (b.count >= want) return Number.isFinite(b.le) ? round(b.le * 1000, 3) : null;
    return null;
  };
  return {
    count: h.count,
    meanMs: h.count ? round((h.sum / h.count) * 1000, 3) : null,
    p50LeMs: le(0.5),
    p99LeMs: le(0.99),
  };
}

/** Sampling interval of the event-loop delay monitors. */
export const LOOP_RESOLUTION_MS = 10;

/**
 * perf_hooks' event-loop delay histogram records the interval between its
 * timer's firings (ns), so an idle loop reads as the resolution; this returns
 * the delay beyond it, in ms.
 */
export function loopMs(ns: number): number {
  return Math.max(0, round(ns / 1e6 - LOOP_RESOLUTION_MS, 2));
}
