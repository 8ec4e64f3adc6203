/**
 * The same question asked by many at once is answered once (docs/scaling.md):
 * city leaders open the leadership screens at 9:00 together, and each screen
 * asks ClickHouse a dozen queries. An answer is shared by every caller with
 * the same key while it is being computed (single flight) and for `ttlMs`
 * after (the screens end their periods on a whole 10 s, period.ts, so
 * callers in the same 10 s ask the same question). A failure is not kept.
 */
export interface SharedReads {
  share<T>(key: string, load: () => Promise<T>): Promise<T>;
  /** Entries held now (tests, metrics). */
  size(): number;
}

export function createSharedReads(o: {
  ttlMs: number;
  max: number;
  now?: () => number;
  count?: (result: 'hit' | 'shared' | 'miss') => void;
}): SharedReads {
  const now = o.now ?? (() => performance.now());
  const entries = new Map<string, { at: number; value: Promise<unknown>; settled: boolean }>();
  return {
    share<T>(key: string, load: () => Promise<T>): Promise<T> {
      const t = now();
      const e = entries.get(key);
      if (e && (!e.settled || t - e.at < o.ttlMs)) {
        o.count?.(e.settled ? 'hit' : 'shared');
        return e.value as Promise<T>;
      }
      o.count?.('miss');
      const value = load();
      const entry = { at: t, value: value as Promise<unknown>, settled: false };
      entries.delete(key);
      entries.set(key, entry);
      value.then(
        () => {
          entry.settled = true;
          entry.at = now();
        },
        () => {
          if (entries.get(key) === entry) entries.delete(key);
        },
      );
      // Oldest first in a Map: drop from the front past `max`.
      while (entries.size > o.max) entries.delete(entries.keys().next().value!);
      return value;
    },
    size: () => entries.size,
  };
}
