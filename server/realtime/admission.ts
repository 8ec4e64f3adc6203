import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

/**
 * Admission of new sockets under a reconnect storm (docs/scaling.md): when
 * thousands of screens reconnect at once (a server restart, a network blip
 * in a hall), a process takes them at the rate it can serve and tells the
 * rest when to come back, instead of letting handshakes time out. Two
 * gates: a token bucket of `perSec` handshakes (burst one second's worth),
 * and the event loop's delay — a process already behind turns new sockets
 * away whatever the rate. The time to come back is spread with jitter so the
 * refused do not return together.
 */
export interface Admission {
  /** null: admitted; else how long the client should wait before trying again. */
  admit(): { retryAfterMs: number } | null;
  close(): void;
}

export function createAdmission(o: {
  perSec: number;
  maxLagMs: number;
  now?: () => number;
  random?: () => number;
  /** Event-loop delay in ms; default from perf_hooks: the 75th percentile of the last 500 ms. */
  lagMs?: () => number;
}): Admission {
  const now = o.now ?? (() => performance.now());
  const random = o.random ?? Math.random;
  let tokens = o.perSec;
  let last = now();
  let hist: IntervalHistogram | null = null;
  let lag = 0;
  let timer: NodeJS.Timeout | null = null;
  if (!o.lagMs) {
    hist = monitorEventLoopDelay({ resolution: 20 });
    hist.enable();
    // The 75th percentile over the last half second: a storm keeps the loop behind, while one
    // long task (a password hash, a large answer) is a single sample and must not turn clients away.
    timer = setInterval(() => {
      lag = hist!.percentile(75) / 1e6;
      hist!.reset();
    }, 500);
    timer.unref();
  }
  const lagMs = o.lagMs ?? (() => lag);
  return {
    admit() {
      const t = now();
      tokens = Math.min(o.perSec, tokens + ((t - last) / 1000) * o.perSec);
      last = t;
      const behind = lagMs() > o.maxLagMs;
      if (!behind && tokens >= 1) {
        tokens -= 1;
        return null;
      }
      // Come back when the bucket has room for you, spread over 1–3 s (more when the loop is behind).
      const base = behind ? 2_000 : 1_000;
      return { retryAfterMs: Math.round(base + random() * base) };
    },
    close() {
      if (timer) clearInterval(timer);
      hist?.disable();
    },
  };
}
