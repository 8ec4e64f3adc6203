import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { api, connectScreen, login, startStack, until, type Stack } from '../helpers/stack.ts';
import { addUser } from '../../server/store/users-repo.ts';
import type { App } from '../../server/app.ts';

/**
 * Session look-ups from memory (docs/authentication.md "Sessions"; DOMAIN.md:
 * "20,000 online at once and 1,000 operating concurrently"), on two
 * application instances sharing one PostgreSQL, as two processes or boxes
 * would: repeated requests do not read the session row, and logout,
 * revocation, a password change and a disabled account end a session at once
 * in the other instance (NOTIFY session_changed); idle time stays right when
 * the other instance used the session more recently. Both share the test's
 * clock, so idle time passes without sleeping.
 */
type ErrBody = { error: { code: string } };
const PASSWORD = 'Cinder#Lattice-58';
const MIN = 60_000;

class TestClock {
  t = Date.now();
  now(): Date {
    return new Date(this.t);
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

async function lookups(app: App, result: 'hit' | 'miss' | 'idle_reread'): Promise<number> {
  const m = await app.metrics.sessionLookups.get();
  return m.values.find((v) => v.labels.result === result)?.value ?? 0;
}

describe('session cache across two application instances on one database', () => {
  const clock = new TestClock();
  const env = {
    SESSION_TTL_MIN: '600',
    SESSION_IDLE_MIN: '30',
    LOGIN_RATE_PER_ACCOUNT: '1000',
    LOGIN_RATE_PER_IP: '1000',
  };
  let a: Stack;
  let b: Stack;
  let n = 0;

  beforeAll(async () => {
    a = await startStack(env, undefined, { clock });
    const rt = JSON.parse(await readFile(path.join(a.dataDir, 'postgres.json'), 'utf8')) as {
      port: number;
      user: string;
      password: string;
    };
    const url = `postgres://${rt.user}:${encodeURIComponent(rt.password)}@127.0.0.1:${rt.port}/hall`;
    // chDB allows one data directory per process, so the second instance shares the first one's (and its keys).
    b = await startStack({ ...env, SEED: 'none', DATABASE_URL: url }, a.dataDir, { clock });
  }, 120_000);
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
  });

  /** A fresh leader account (hall.read), signed in on `on`. */
  const freshUser = async (on: Stack = a): Promise<{ username: string; token: string }> => {
    const username = `cache-user-${++n}`;
    await addUser(a.app.db, { username, password: PASSWORD, role: 'leader', regionCode: '440902' });
    return { username, token: await signIn(on, username) };
  };
  const signIn = async (on: Stack, username: string, password = PASSWORD): Promise<string> => {
    const r = await api<{ token: string }>(on, 'POST', '/api/auth/login', { username, password });
    expect(r.status).toBe(200);
    return r.body.token;
  };
  const halls = (on: Stack, token: string) => api<ErrBody>(on, 'GET', '/api/halls', undefined, token);
  /** The other instance hears of a change by NOTIFY, on its own connection: at once, but not in the same instant. */
  const refusedSoon = (on: Stack, token: string) =>
    until(async () => (await halls(on, token)).status === 401, 2_000, 5);

  it('answers repeated requests and handshakes from memory', async () => {
    const { token } = await freshUser();
    const [hit0, miss0] = [await lookups(a.app, 'hit'), await lookups(a.app, 'miss')];
    for (let i = 0; i < 20; i++) expect((await halls(a, token)).status).toBe(200);
    const sock = await connectScreen(a, token);
    sock.close();
    expect((await lookups(a.app, 'miss')) - miss0).toBe(1);
    expect((await lookups(a.app, 'hit')) - hit0).toBe(20);
    const metrics = await fetch(`${a.base}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/hall_session_cache_lookups_total\{result="hit"\} \d+/);
  });

  it('logout in one instance ends the session at once in the other, for REST and sockets', async () => {
    const { token } = await freshUser();
    expect((await halls(b, token)).status).toBe(200);
    const hits = await lookups(b.app, 'hit');
    expect((await halls(b, token)).status).toBe(200);
    expect(await lookups(b.app, 'hit')).toBe(hits + 1); // B holds it in memory
    expect((await api(a, 'POST', '/api/auth/logout', undefined, token)).status).toBe(204);
    // The entry's TTL is minutes; only the notice can end it within the 2 s allowed here.
    await refusedSoon(b, token);
    expect((await halls(b, token)).body.error.code).toBe('HALL_ERR_UNAUTHENTICATED');
    await expect(connectScreen(b, token)).rejects.toThrow();
    // In the instance that wrote it, at once: the very next request.
    expect((await halls(a, token)).status).toBe(401);
  });

  it('revocation by the security administrator takes effect at once in the other instance', async () => {
    const { username, token } = await freshUser();
    const second = await signIn(b, username);
    expect((await halls(b, token)).status).toBe(200);
    expect((await halls(b, second)).status).toBe(200);
    const security = await login(a, 'security');
    const r = await api<{ revoked: number }>(a, 'POST', '/api/auth/sessions/revoke', { username }, security);
    expect(r.body.revoked).toBe(2);
    await refusedSoon(b, token);
    await refusedSoon(b, second);
    expect((await halls(a, token)).status).toBe(401);
  });

  it('a password change in one instance ends the other sessions at once in the other instance', async () => {
    const { username, token } = await freshUser(b);
    const other = await signIn(a, username);
    expect((await halls(a, other)).status).toBe(200);
    expect((await halls(b, token)).status).toBe(200);
    const r = await api<{ otherSessionsRevoked: number }>(
      b,
      'POST',
      '/api/auth/password',
      { oldPassword: PASSWORD, newPassword: 'Quartz#Meadow-3941' },
      token,
    );
    expect(r.status).toBe(200);
    expect(r.body.otherSessionsRevoked).toBe(1);
    await refusedSoon(a, other);
    // The session that changed it stays, with its flags read again.
    expect((await halls(b, token)).status).toBe(200);
    expect((await halls(a, token)).status).toBe(200);
  });

  it('a change made outside the server (an operator disabling the account in SQL) reaches both instances', async () => {
    const { username, token } = await freshUser();
    expect((await halls(a, token)).status).toBe(200);
    expect((await halls(b, token)).status).toBe(200);
    await a.app.db.query('UPDATE users SET disabled_at = now() WHERE username = $1', [username]);
    await refusedSoon(a, token);
    await refusedSoon(b, token);
  });

  it('idle expiry: no false idle when the other instance used the session more recently', async () => {
    const { token } = await freshUser();
    expect((await halls(b, token)).status).toBe(200); // B remembers last use at t0
    clock.advance(20 * MIN);
    expect((await halls(a, token)).status).toBe(200); // A writes last use at t0 + 20
    clock.advance(20 * MIN);
    // t0 + 40: from B's memory the session is idle (30 min); B reads the row again and finds the later use.
    const rereads = await lookups(b.app, 'idle_reread');
    expect((await halls(b, token)).status).toBe(200);
    expect(await lookups(b.app, 'idle_reread')).toBe(rereads + 1);
    // Nobody uses it for 31 minutes: idle in both.
    clock.advance(31 * MIN);
    expect((await halls(a, token)).body.error.code).toBe('HALL_ERR_SESSION_EXPIRED');
    expect((await halls(b, token)).body.error.code).toBe('HALL_ERR_SESSION_EXPIRED');
    await expect(connectScreen(b, token)).rejects.toThrow();
  });

  it('a lost LISTEN connection empties the cache; it listens again and still hears changes', async () => {
    const { token } = await freshUser();
    expect((await halls(b, token)).status).toBe(200);
    expect(b.app.sessions.size).toBeGreaterThan(0);
    const killed = await a.app.db.query<{ ok: boolean }>(
      "SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE query IN ('LISTEN session_changed', 'SELECT 1 AS session_changed_listener') AND pid <> pg_backend_pid()",
    );
    expect(killed.rows.length).toBeGreaterThanOrEqual(2); // one per instance
    await until(() => b.app.sessions.size === 0, 5_000);
    expect((await halls(b, token)).status).toBe(200); // still served, from PostgreSQL
    // Back after the reconnect (1 s): kept in memory again, and a logout elsewhere still reaches it.
    await until(async () => (await halls(b, token)).status === 200 && b.app.sessions.size > 0, 10_000, 100);
    expect((await api(a, 'POST', '/api/auth/logout', undefined, token)).status).toBe(204);
    await refusedSoon(b, token);
    expect(b.logs.join('')).toContain('session change listener lost its database connection');
  });
});
