import { describe, expect, it } from 'vitest';
import { createSharedReads } from './shared-reads.ts';

describe('shared reads', () => {
  it('one load for callers asking together and within the TTL; a new one after', async () => {
    let t = 0;
    let loads = 0;
    const counts: string[] = [];
    const s = createSharedReads({ ttlMs: 10_000, max: 10, now: () => t, count: (r) => counts.push(r) });
    const load = () => Promise.resolve(++loads);
    const [a, b] = await Promise.all([s.share('k', load), s.share('k', load)]);
    expect([a, b]).toEqual([1, 1]);
    t = 9_000;
    expect(await s.share('k', load)).toBe(1);
    t = 30_000;
    expect(await s.share('k', load)).toBe(2);
    expect(await s.share('other', load)).toBe(3);
    expect(counts).toEqual(['miss', 'shared', 'hit', 'miss', 'miss']);
  });

  it('a failure is not kept, and the map stays within max', async () => {
    const s = createSharedReads({ ttlMs: 10_000, max: 2, now: () => 0 });
    await expect(s.share('k', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await s.share('k', () => Promise.resolve('up'))).toBe('up');
    await s.share('a', () => Promise.resolve(1));
    await s.share('b', () => Promise.resolve(2));
    expect(s.size()).toBe(2);
  });
});
