import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as ioClient } from 'socket.io-client';
import { startStack, login, connectScreen, joinHall, type Stack } from '../helpers/stack.ts';

/**
 * The read path's limits and sharing (docs/scaling.md), on the real stack with small limits:
 * a storm past the admission rate is told HALL_ERR_BUSY with a time to come back (and comes in
 * after it), one session cannot hold more sockets than SOCKETS_PER_SESSION, a socket looping on
 * join is limited, and leaders asking the same question share one answer. All are counted.
 */
describe('read path limits and sharing', () => {
  let s: Stack;
  let leader: string;
  beforeAll(async () => {
    s = await startStack({
      SOCKET_ADMIT_PER_SEC: '5',
      SOCKETS_PER_SESSION: '8',
      SOCKET_JOINS_PER_SEC: '1',
      READ_SHARE_MS: '60000',
    });
    leader = await login(s, 'leader');
  });
  afterAll(async () => {
    await s?.stop();
  });

  const metric = async (name: string, label: string) => {
    const text = await (await fetch(`${s.base}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(label));
    return line ? Number(line.split(' ').pop()) : 0;
  };
  const attempt = (token: string) =>
    new Promise<{ ok: true } | { ok: false; code: string; retryAfterMs?: number }>((resolve) => {
      const c = ioClient(s.base, { auth: { token }, transports: ['websocket'], reconnection: false });
      c.once('connect', () => {
        c.close();
        resolve({ ok: true });
      });
      c.once('connect_error', (e: Error & { data?: { error?: { code: string }; retryAfterMs?: number } }) => {
        c.close();
        resolve({ ok: false, code: e.data?.error?.code ?? e.message, retryAfterMs: e.data?.retryAfterMs });
      });
    });

  it('a storm past the admission rate is told HALL_ERR_BUSY with retryAfterMs, and gets in after it', async () => {
    const before = await metric('hall_socket_admission_refusals_total', 'reason="busy"');
    const tokens = await Promise.all(Array.from({ length: 3 }, () => login(s, 'sup-city')));
    const results = await Promise.all(Array.from({ length: 18 }, (_, i) => attempt(tokens[i % 3]!)));
    const busy = results.filter((r) => !r.ok);
    expect(busy.length).toBeGreaterThan(0);
    for (const r of busy) {
      expect(r).toMatchObject({ ok: false, code: 'HALL_ERR_BUSY' });
      expect((r as { retryAfterMs: number }).retryAfterMs).toBeGreaterThanOrEqual(1000);
    }
    expect(await metric('hall_socket_admission_refusals_total', 'reason="busy"')).toBe(before + busy.length);
    // Coming back when told: the bucket has refilled.
    await new Promise((r) => setTimeout(r, Math.max(...busy.map((r) => (r as { retryAfterMs: number }).retryAfterMs))));
    expect(await attempt(tokens[0]!)).toEqual({ ok: true });
  });

  it('one session holds at most SOCKETS_PER_SESSION sockets; HALL_ERR_TOO_MANY_SOCKETS beyond, counted', async () => {
    const token = await login(s, 'sup-east');
    await new Promise((r) => setTimeout(r, 2000)); // a full admission bucket
    const held = [];
    for (let i = 0; i < 8; i++) {
      held.push(await connectScreen(s, token));
      await new Promise((r) => setTimeout(r, 210)); // within the admission rate
    }
    expect(await attempt(token)).toMatchObject({ ok: false, code: 'HALL_ERR_TOO_MANY_SOCKETS' });
    expect(await metric('hall_socket_admission_refusals_total', 'reason="token_cap"')).toBe(1);
    held.pop()!.close();
    await new Promise((r) => setTimeout(r, 300));
    expect(await attempt(token)).toEqual({ ok: true }); // a closed socket frees its place
    for (const h of held) h.close();
  });

  it('a socket looping on join gets HALL_ERR_RATE_LIMITED acks and stays connected', async () => {
    await new Promise((r) => setTimeout(r, 1000));
    const sock = await connectScreen(s, leader);
    try {
      const answers = [];
      for (let i = 0; i < 14; i++) answers.push(await sock.emitWithAck('hall:resync', { hallId: 'h-east' }));
      const limited = answers.filter((a) => !a.ok);
      expect(answers.filter((a) => a.ok).length).toBeGreaterThanOrEqual(10); // the burst
      expect(limited.length).toBeGreaterThan(0);
      for (const a of limited) expect(a).toMatchObject({ ok: false, error: { code: 'HALL_ERR_RATE_LIMITED' } });
      expect(await metric('hall_socket_admission_refusals_total', 'reason="join_flood"')).toBe(limited.length);
      await new Promise((r) => setTimeout(r, 1100));
      expect((await joinHall(sock, 'h-east')).hallId).toBe('h-east');
      expect(sock.connected).toBe(true);
    } finally {
      sock.close();
    }
  });

  it('leaders asking the same question together share one answer', async () => {
    const other = await login(s, 'leader');
    const q = new URLSearchParams({ from: '2026-12-01T16:00:00.000Z', to: '2026-12-02T10:00:00.000Z' });
    const ask = (t: string) =>
      fetch(`${s.base}/api/indicators/values?${q}`, { headers: { authorization: `Bearer ${t}` } }).then((r) =>
        r.json(),
      );
    const misses = await metric('hall_shared_reads_total', 'result="miss"');
    const [a, b] = await Promise.all([ask(leader), ask(other)]);
    const c = await ask(leader);
    expect(a).toEqual(b);
    expect(c).toEqual(a);
    expect(await metric('hall_shared_reads_total', 'result="miss"')).toBe(misses + 1);
    expect(
      (await metric('hall_shared_reads_total', 'result="shared"')) +
        (await metric('hall_shared_reads_total', 'result="hit"')),
    ).toBe(2);
  });
});
