import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../server/domain/clock.ts';
import { api, connectScreen, joinHall, login, startStack, until, type Screen, type Stack } from '../helpers/stack.ts';

class TestClock implements Clock {
  private t = Date.parse('2026-11-23T02:00:00Z');
  now(): Date {
    return new Date(this.t);
  }
  advance(ms: number): void {
    this.t += ms;
  }
}
const MIN = 60_000;

/** An open socket follows its session (docs/authentication.md "Sessions"): logout, revocation and the lifetime close it; a live screen counts as use. */
describe('sockets follow their sessions', () => {
  const clock = new TestClock();
  let s: Stack;
  beforeAll(async () => {
    s = await startStack({ SESSION_TTL_MIN: '120', SESSION_IDLE_MIN: '30' }, undefined, { clock });
  }, 60_000);
  afterAll(async () => {
    await s?.stop();
  });

  const ended = (sock: Screen) => {
    const seen: unknown[] = [];
    sock.on('session:ended', (e) => seen.push(e));
    return seen;
  };

  it('logout closes the open socket of that session at once (the notice, not the sweep), not the others', async () => {
    const t1 = await login(s, 'sup-east');
    const t2 = await login(s, 'leader');
    const a = await connectScreen(s, t1);
    const b = await connectScreen(s, t2);
    await joinHall(a, 'h-east');
    await joinHall(b, 'h-east');
    const aEnded = ended(a);
    expect((await api(s, 'POST', '/api/auth/logout', undefined, t1)).status).toBe(204);
    // No sweep: NOTIFY session_changed reaches the process, which checks that session's sockets now.
    await until(() => !a.connected);
    expect(await s.app.sweepSocketSessions()).toBe(0);
    expect(aEnded).toEqual([{ error: expect.objectContaining({ code: 'HALL_ERR_SESSION_EXPIRED' }) }]);
    expect(b.connected).toBe(true);
    b.close();
  });

  it('a connected screen keeps its session alive past the idle limit, but not past its lifetime', async () => {
    const t = await login(s, 'sup-city');
    const sock = await connectScreen(s, t);
    await joinHall(sock, 'h-city');
    // 25 + 25 minutes without any REST call: the sweep in between counts the live socket as use.
    clock.advance(25 * MIN);
    expect(await s.app.sweepSocketSessions()).toBe(0);
    clock.advance(25 * MIN);
    expect(await s.app.sweepSocketSessions()).toBe(0);
    expect((await api(s, 'GET', '/api/halls', undefined, t)).status).toBe(200);
    // The absolute lifetime (120 min) ends it whatever the use.
    clock.advance(71 * MIN);
    expect(await s.app.sweepSocketSessions()).toBe(1);
    await until(() => !sock.connected);
    expect((await api(s, 'GET', '/api/halls', undefined, t)).status).toBe(401);
  });

  it('a session that went idle (no socket kept it alive) closes a socket opened before', async () => {
    const t = await login(s, 'east-leader');
    const sock = await connectScreen(s, t);
    clock.advance(31 * MIN);
    expect(await s.app.sweepSocketSessions()).toBe(1);
    await until(() => !sock.connected);
  });
});
