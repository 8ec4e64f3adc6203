import { describe, expect, it } from 'vitest';
import { createAdmission } from './admission.ts';

describe('socket admission', () => {
  it('admits a second of handshakes at once, then at the configured rate, and says when to come back', () => {
    let t = 0;
    const a = createAdmission({ perSec: 10, maxLagMs: 100, now: () => t, random: () => 0.5, lagMs: () => 0 });
    const first = Array.from({ length: 12 }, () => a.admit());
    expect(first.filter((x) => x === null)).toHaveLength(10);
    expect(first[11]).toEqual({ retryAfterMs: 1500 });
    t += 300; // 3 tokens back
    const next = Array.from({ length: 5 }, () => a.admit());
    expect(next.filter((x) => x === null)).toHaveLength(3);
  });

  it('turns sockets away while the event loop is behind, with a longer wait', () => {
    let lag = 500;
    const a = createAdmission({ perSec: 1000, maxLagMs: 250, now: () => 0, random: () => 0, lagMs: () => lag });
    expect(a.admit()).toEqual({ retryAfterMs: 2000 });
    lag = 10;
    expect(a.admit()).toBeNull();
  });
});
