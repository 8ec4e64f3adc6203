import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { api, connectScreen, login, startStack, until, type Stack } from '../helpers/stack.ts';
import { addUser } from '../../server/store/users-repo.ts';
import { sessionUser } from '../../server/store/sessions-repo.ts';
import { signInCaller } from '../../server/commands/caller-credentials.ts';
import { totpCode } from '../../server/security/totp.ts';
import { HallError } from '../../contracts/index.ts';

/**
 * Identification and authentication (GB/T 22239-2019 8.1.4.1; OWASP
 * ASVS 5.0 V6/V7) on the real stack. The server's clock is the test's, so
 * lockouts, idle and absolute timeouts and TOTP steps are tested without
 * sleeping. Rate limits count real time (express-rate-limit) and get their
 * own stack with the default limits.
 */
type ErrBody = { error: { code: string; message: string; details?: Record<string, unknown> } };
const PASSWORD = 'Lantern#Ridge-42';

class TestClock {
  t = Date.now();
  now(): Date {
    return new Date(this.t);
  }
  advance(ms: number): void {
    this.t += ms;
  }
}
const MIN = 60_000;

describe('authentication (controlled clock)', () => {
  let s: Stack;
  const clock = new TestClock();

  beforeAll(async () => {
    s = await startStack(
      { SESSION_TTL_MIN: '120', SESSION_IDLE_MIN: '30', LOGIN_RATE_PER_ACCOUNT: '1000', LOGIN_RATE_PER_IP: '1000' },
      undefined,
      { clock },
    );
  });
  afterAll(async () => {
    await s?.stop();
  });

  const signIn = (username: string, password = PASSWORD, totp?: string) =>
    api<{ token: string; mustEnrollTotp?: boolean; idleMin?: number } & ErrBody>(s, 'POST', '/api/auth/login', {
      username,
      password,
      ...(totp ? { totp } : {}),
    });
  const audit = async (action: string, username: string) =>
    (
      await s.app.db.query<{ result: string; detail: Record<string, unknown> | null; ip: string | null }>(
        'SELECT result, detail, ip FROM audit_log WHERE action = $1 AND username = $2 ORDER BY id',
        [action, username],
      )
    ).rows;

  it('locks an account after 5 consecutive failures, doubles the lock, and unlocks when the time has passed', async () => {
    await addUser(s.app.db, { username: 'lock-user', password: PASSWORD, role: 'leader', regionCode: '440900' });
    for (let i = 0; i < 4; i++)
      expect((await signIn('lock-user', 'wrong-password')).body.error.code).toBe('HALL_ERR_BAD_CREDENTIALS');
    const fifth = await signIn('lock-user', 'wrong-password');
    expect(fifth.status).toBe(423);
    expect(fifth.body.error).toMatchObject({ code: 'HALL_ERR_ACCOUNT_LOCKED', details: { retryAfterSec: 60 } });
    // The right password does not help while locked; the answer says how long to wait.
    clock.advance(20_000);
    const res = await fetch(`${s.base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'lock-user', password: PASSWORD }),
    });
    expect(res.status).toBe(423);
    expect(res.headers.get('retry-after')).toBe('40');

    // Lock 2 lasts 2 minutes, lock 3 four: the back-off doubles.
    clock.advance(41_000);
    for (let i = 0; i < 4; i++) expect((await signIn('lock-user', 'wrong-password')).status).toBe(401);
    expect((await signIn('lock-user', 'wrong-password')).body.error.details).toMatchObject({ retryAfterSec: 120 });
    clock.advance(2 * MIN + 1000);
    for (let i = 0; i < 4; i++) expect((await signIn('lock-user', 'wrong-password')).status).toBe(401);
    expect((await signIn('lock-user', 'wrong-password')).body.error.details).toMatchObject({ retryAfterSec: 240 });
    expect((await signIn('lock-user')).status).toBe(423);

    // After the time has passed the right password works, and success resets the back-off.
    clock.advance(4 * MIN + 1000);
    expect((await signIn('lock-user')).status).toBe(200);
    for (let i = 0; i < 5; i++) await signIn('lock-user', 'wrong-password');
    expect((await signIn('lock-user')).body.error.details).toMatchObject({ retryAfterSec: 60 });
    clock.advance(MIN + 1000);

    const locks = await audit('account.locked', 'lock-user');
    expect(locks).toHaveLength(4);
    const logins = await audit('auth.login', 'lock-user');
    expect(logins.filter((r) => r.result === 'failed')).toHaveLength(20);
    expect(logins.filter((r) => r.result === 'denied' && r.detail?.reason === 'locked').length).toBeGreaterThanOrEqual(
      3,
    );
    expect(logins.filter((r) => r.result === 'ok')).toHaveLength(1);
    expect(logins[0]!.ip).toBeTruthy();
    expect(JSON.stringify(logins)).not.toContain('wrong-password');
  });

  it('an unknown user name fails the same way and is audited without a password', async () => {
    expect((await signIn('nobody-here', 'some-guess')).body.error.code).toBe('HALL_ERR_BAD_CREDENTIALS');
    const rows = await audit('auth.login', 'nobody-here');
    expect(rows).toMatchObject([{ result: 'failed', detail: { reason: 'unknown-user' } }]);
    expect(JSON.stringify(rows)).not.toContain('some-guess');
  });

  it('ends a session after SESSION_IDLE_MIN without use, on REST and on the socket', async () => {
    await addUser(s.app.db, { username: 'idle-user', password: PASSWORD, role: 'supervisor', hallId: 'h-east' });
    const r = await signIn('idle-user');
    expect(r.body.idleMin).toBe(30);
    const token = r.body.token;
    // Used every 29 minutes it stays alive: each use moves the idle clock.
    for (let i = 0; i < 3; i++) {
      clock.advance(29 * MIN);
      expect((await api(s, 'GET', '/api/halls', undefined, token)).status).toBe(200);
    }
    const sock = await connectScreen(s, token);
    sock.close();
    clock.advance(31 * MIN);
    const idle = await api<ErrBody>(s, 'GET', '/api/halls', undefined, token);
    expect(idle.status).toBe(401);
    expect(idle.body.error.code).toBe('HALL_ERR_SESSION_EXPIRED');
    await expect(connectScreen(s, token)).rejects.toThrow();
  });

  it('ends a session at SESSION_TTL_MIN however busy, on REST and on the socket', async () => {
    const token = (await signIn('idle-user')).body.token;
    for (let m = 20; m < 120; m += 20) {
      clock.advance(20 * MIN);
      expect((await api(s, 'GET', '/api/halls', undefined, token)).status, `${m} min`).toBe(200);
    }
    clock.advance(19 * MIN); // 119 min
    expect((await api(s, 'GET', '/api/halls', undefined, token)).status).toBe(200);
    (await connectScreen(s, token)).close();
    clock.advance(MIN); // 120 min
    expect((await api<ErrBody>(s, 'GET', '/api/halls', undefined, token)).body.error.code).toBe(
      'HALL_ERR_SESSION_EXPIRED',
    );
    await expect(connectScreen(s, token)).rejects.toThrow();
  });

  it('logout revokes the session for REST and socket, and is audited', async () => {
    const token = (await signIn('idle-user')).body.token;
    expect((await api(s, 'POST', '/api/auth/logout', undefined, token)).status).toBe(204);
    expect((await api<ErrBody>(s, 'GET', '/api/halls', undefined, token)).body.error.code).toBe(
      'HALL_ERR_UNAUTHENTICATED',
    );
    await expect(connectScreen(s, token)).rejects.toThrow();
    expect((await api(s, 'POST', '/api/auth/logout')).status).toBe(401);
    expect(await audit('auth.logout', 'idle-user')).toHaveLength(1);
  });

  it('a security admin revokes every session of another user; nobody else may', async () => {
    const a = (await signIn('idle-user')).body.token;
    const b = (await signIn('idle-user')).body.token;
    const security = await login(s, 'security');
    const admin = await login(s, 'admin');
    const denied = await api<ErrBody>(s, 'POST', '/api/auth/sessions/revoke', { username: 'idle-user' }, admin);
    expect(denied.status).toBe(403);
    expect((await api(s, 'GET', '/api/halls', undefined, a)).status).toBe(200);
    const ok = await api<{ username: string; revoked: number }>(
      s,
      'POST',
      '/api/auth/sessions/revoke',
      { username: 'idle-user' },
      security,
    );
    expect(ok.body).toEqual({ username: 'idle-user', revoked: 2 });
    expect((await api(s, 'GET', '/api/halls', undefined, a)).status).toBe(401);
    expect((await api(s, 'GET', '/api/halls', undefined, b)).status).toBe(401);
    expect((await api(s, 'POST', '/api/auth/sessions/revoke', { username: 'no-such-user' }, security)).status).toBe(
      404,
    );
    const rows = await s.app.db.query(
      "SELECT username, result, target, detail FROM audit_log WHERE action = 'auth.sessions.revoke' ORDER BY id",
    );
    expect(rows.rows).toContainEqual(
      expect.objectContaining({ username: 'security', result: 'ok', target: 'user:idle-user', detail: { revoked: 2 } }),
    );
    expect(rows.rows).toContainEqual(
      expect.objectContaining({ username: 'security', result: 'denied', target: 'user:no-such-user' }),
    );
  });

  it('an administrator enrols TOTP before anything else, then must give a fresh code at every sign-in', async () => {
    const first = await signIn('auditor', 'Demo#2026');
    expect(first.status).toBe(200);
    expect(first.body.mustEnrollTotp).toBe(true);
    const t = first.body.token;
    // Restricted: every API but enrolment, the own session and logout is refused, and so is the socket.
    const refused = await api<ErrBody>(s, 'GET', '/api/permissions', undefined, t);
    expect(refused.status).toBe(401);
    expect(refused.body.error).toMatchObject({
      code: 'HALL_ERR_SECOND_FACTOR_REQUIRED',
      details: { mustEnrollTotp: true },
    });
    await expect(connectScreen(s, t)).rejects.toThrow();
    expect(
      (await api<{ mustEnrollTotp: boolean }>(s, 'GET', '/api/auth/session', undefined, t)).body.mustEnrollTotp,
    ).toBe(true);

    const setup = await api<{ secret: string; uri: string }>(s, 'POST', '/api/auth/totp/setup', {}, t);
    expect(setup.status).toBe(200);
    expect(setup.body.uri).toMatch(/^otpauth:\/\/totp\/HallOps:auditor\?.*secret=/);
    const secret = setup.body.secret;
    const stored = await s.app.db.query<{ totp_secret_enc: string }>(
      "SELECT totp_secret_enc FROM users WHERE username = 'auditor'",
    );
    expect(stored.rows[0]!.totp_secret_enc).not.toContain(secret); // encrypted with the PII cipher

    const wrongCode = totpCode(secret, new Date(clock.t - 5 * MIN));
    expect((await api<ErrBody>(s, 'POST', '/api/auth/totp/confirm', { code: wrongCode }, t)).body.error.code).toBe(
      'HALL_ERR_BAD_SECOND_FACTOR',
    );
    const enrolCode = totpCode(secret, clock.now());
    expect((await api(s, 'POST', '/api/auth/totp/confirm', { code: enrolCode }, t)).status).toBe(200);
    expect((await api(s, 'GET', '/api/permissions', undefined, t)).status).toBe(200);
    expect((await api(s, 'POST', '/api/auth/totp/setup', {}, t)).status).toBe(409);

    // Sign-in now needs the code; the code of an accepted step is never accepted again (replay).
    expect((await signIn('auditor', 'Demo#2026')).body.error.code).toBe('HALL_ERR_SECOND_FACTOR_REQUIRED');
    expect((await signIn('auditor', 'Demo#2026', enrolCode)).body.error.code).toBe('HALL_ERR_BAD_SECOND_FACTOR');
    clock.advance(30_000);
    const code = totpCode(secret, clock.now());
    const ok = await signIn('auditor', 'Demo#2026', code);
    expect(ok.status).toBe(200);
    expect(ok.body.mustEnrollTotp).toBeUndefined();
    expect((await signIn('auditor', 'Demo#2026', code)).body.error.code).toBe('HALL_ERR_BAD_SECOND_FACTOR');
    // A code from the wrong password never reaches the TOTP check.
    expect((await signIn('auditor', 'wrong-password', code)).body.error.code).toBe('HALL_ERR_BAD_CREDENTIALS');
    // Wrong codes count toward the lockout like wrong passwords.
    const failed = await s.app.db.query<{ failed_logins: number }>(
      "SELECT failed_logins FROM users WHERE username = 'auditor'",
    );
    expect(failed.rows[0]!.failed_logins).toBe(2); // the replayed code after the success, then the wrong password
    clock.advance(30_000);
    expect((await signIn('auditor', 'Demo#2026', totpCode(secret, clock.now()))).status).toBe(200);

    expect(await audit('auth.totp.setup', 'auditor')).toMatchObject([{ result: 'ok' }]);
    expect((await audit('auth.totp.enable', 'auditor')).map((r) => r.result)).toEqual(['failed', 'ok']);
    const everything = JSON.stringify(
      (await s.app.db.query("SELECT * FROM audit_log WHERE username = 'auditor'")).rows,
    );
    expect(everything).not.toContain(secret);
    expect(everything).not.toContain(code);
    expect(everything).not.toContain('Demo#2026');
  });

  it('a security admin resets a lost TOTP; the admin enrols again at the next sign-in', async () => {
    const security = await login(s, 'security');
    expect((await api(s, 'POST', '/api/auth/totp/reset', { username: 'auditor' }, security)).status).toBe(200);
    clock.advance(30_000);
    const again = await signIn('auditor', 'Demo#2026');
    expect(again.status).toBe(200);
    expect(again.body.mustEnrollTotp).toBe(true);
    expect(await audit('auth.totp.reset', 'security')).toMatchObject([{ result: 'ok' }]);
  });

  it('non-administrators need no second factor unless they enrolled one', async () => {
    const r = await signIn('idle-user');
    expect(r.body.mustEnrollTotp).toBeUndefined();
    const t = r.body.token;
    const setup = await api<{ secret: string }>(s, 'POST', '/api/auth/totp/setup', {}, t);
    clock.advance(30_000);
    expect(
      (await api(s, 'POST', '/api/auth/totp/confirm', { code: totpCode(setup.body.secret, clock.now()) }, t)).status,
    ).toBe(200);
    clock.advance(30_000);
    expect((await signIn('idle-user')).body.error.code).toBe('HALL_ERR_SECOND_FACTOR_REQUIRED');
    expect((await signIn('idle-user', PASSWORD, totpCode(setup.body.secret, clock.now()))).status).toBe(200);
  });

  it('password change: rules, the current password, other sessions end, and nothing secret is kept', async () => {
    await addUser(s.app.db, { username: 'pw-user', password: PASSWORD, role: 'leader', regionCode: '440902' });
    const t = (await signIn('pw-user')).body.token;
    const other = (await signIn('pw-user')).body.token;
    const change = (oldPassword: string, newPassword: string) =>
      api<ErrBody & { changed: boolean; otherSessionsRevoked: number }>(
        s,
        'POST',
        '/api/auth/password',
        { oldPassword, newPassword },
        t,
      );

    const weak = await change(PASSWORD, 'short1');
    expect(weak.status).toBe(400);
    expect(weak.body.error).toMatchObject({
      code: 'HALL_ERR_WEAK_PASSWORD',
      details: { failed: ['length', 'classes'] },
    });
    expect((await change(PASSWORD, 'Pw-User-Secret-9')).body.error.details).toMatchObject({ failed: ['username'] });
    expect((await change(PASSWORD, 'Password2026!')).body.error.details).toMatchObject({ failed: ['common'] });
    expect((await change(PASSWORD, PASSWORD)).body.error.details).toMatchObject({ failed: ['reused'] });
    expect((await change('not-the-password', 'Fresh#Harbour-77')).body.error.code).toBe('HALL_ERR_BAD_CREDENTIALS');

    const ok = await change(PASSWORD, 'Fresh#Harbour-77');
    expect(ok.body).toEqual({ changed: true, otherSessionsRevoked: 1 });
    expect((await api(s, 'GET', '/api/halls', undefined, t)).status).toBe(200);
    expect((await api(s, 'GET', '/api/halls', undefined, other)).status).toBe(401);
    expect((await signIn('pw-user')).status).toBe(401);
    expect((await signIn('pw-user', 'Fresh#Harbour-77')).status).toBe(200);

    expect((await audit('auth.password.change', 'pw-user')).map((r) => r.result)).toEqual([
      'failed',
      'failed',
      'failed',
      'failed',
      'failed',
      'ok',
    ]);
    // Refused bodies become dead letters: without the secrets.
    const dead = await until(async () => {
      const r = await s.app.db.query<{ payload: Buffer | null }>(
        "SELECT payload FROM dead_letters WHERE topic = 'POST /api/auth/password'",
      );
      return r.rows.length >= 4 ? r : null;
    });
    const kept =
      dead.rows.map((r) => r.payload?.toString() ?? '').join('\n') +
      JSON.stringify((await s.app.db.query("SELECT detail FROM audit_log WHERE username = 'pw-user'")).rows);
    for (const secret of [
      PASSWORD,
      'short1',
      'Pw-User-Secret-9',
      'Password2026!',
      'Fresh#Harbour-77',
      'not-the-password',
    ])
      expect(kept).not.toContain(secret);
  });

  it('caller sign-in tokens are single use and live 120 s', async () => {
    await addUser(s.app.db, { username: 'caller-staff', password: PASSWORD, role: 'staff', hallId: 'h-east' });
    const t = (await signIn('caller-staff')).body.token;
    const issue = async () =>
      (await api<{ token: string; ttlSec: number; expiresAt: string }>(s, 'POST', '/api/auth/caller-token', {}, t))
        .body;
    const first = await issue();
    expect(first.ttlSec).toBe(120);
    const signedIn = await signInCaller(s.app.db, { token: first.token }, clock.now(), { deviceId: 'cl-east-1' });
    expect(signedIn.user).toMatchObject({ username: 'caller-staff', role: 'staff', hallId: 'h-east' });
    // A caller session: valid for the caller protocol, not for REST or the wall.
    expect(await sessionUser(s.app.db, signedIn.session.token, clock.now(), 'caller')).toMatchObject({
      username: 'caller-staff',
    });
    expect(await sessionUser(s.app.db, signedIn.session.token, clock.now())).toBeNull();
    expect((await api(s, 'GET', '/api/halls', undefined, signedIn.session.token)).status).toBe(401);

    await expect(signInCaller(s.app.db, { token: first.token }, clock.now())).rejects.toMatchObject({
      code: 'HALL_ERR_BAD_CREDENTIALS',
    });
    const second = await issue();
    clock.advance(121_000);
    await expect(signInCaller(s.app.db, { token: second.token }, clock.now())).rejects.toMatchObject({
      code: 'HALL_ERR_BAD_CREDENTIALS',
    });
    // Only roles that operate a window get a token.
    const leader = (await signIn('pw-user', 'Fresh#Harbour-77')).body.token;
    expect((await api(s, 'POST', '/api/auth/caller-token', {}, leader)).status).toBe(403);

    const rows = await s.app.db.query<{ action: string; result: string; detail: Record<string, unknown> | null }>(
      "SELECT action, result, detail FROM audit_log WHERE (username = 'caller-staff' OR target = 'caller-token') AND action IN ('auth.caller_token.issue', 'auth.login') AND detail->>'via' IS DISTINCT FROM 'web' ORDER BY id",
    );
    expect(rows.rows.filter((r) => r.action === 'auth.caller_token.issue')).toHaveLength(2);
    expect(rows.rows.filter((r) => r.action === 'auth.login')).toMatchObject([
      { result: 'ok', detail: { via: 'caller', method: 'token', deviceId: 'cl-east-1' } },
      { result: 'failed', detail: { via: 'caller', method: 'token' } },
      { result: 'failed', detail: { via: 'caller', method: 'token' } },
    ]);
    expect(JSON.stringify(rows.rows)).not.toContain(first.token);
  });

  it('caller PIN: six non-trivial digits, argon2-hashed, and PIN failures lock the account', async () => {
    const t = (await signIn('caller-staff')).body.token;
    const weak = await api<ErrBody>(s, 'POST', '/api/auth/pin', { pin: '123456' }, t);
    expect(weak.body.error).toMatchObject({ code: 'HALL_ERR_WEAK_PASSWORD', details: { failed: ['trivial'] } });
    expect((await api<ErrBody>(s, 'POST', '/api/auth/pin', { pin: '12345' }, t)).body.error.code).toBe(
      'HALL_ERR_BAD_REQUEST',
    );
    expect((await api(s, 'POST', '/api/auth/pin', { pin: '480613' }, t)).status).toBe(204);
    const stored = await s.app.db.query<{ pin_hash: string }>(
      "SELECT pin_hash FROM users WHERE username = 'caller-staff'",
    );
    expect(stored.rows[0]!.pin_hash).toMatch(/^\$argon2id\$/);

    const ok = await signInCaller(s.app.db, { username: 'caller-staff', pin: '480613' }, clock.now());
    expect(ok.user.username).toBe('caller-staff');
    for (let i = 0; i < 4; i++)
      await expect(
        signInCaller(s.app.db, { username: 'caller-staff', pin: '000001' }, clock.now()),
      ).rejects.toMatchObject({ code: 'HALL_ERR_BAD_CREDENTIALS' });
    await expect(
      signInCaller(s.app.db, { username: 'caller-staff', pin: '000001' }, clock.now()),
    ).rejects.toMatchObject({ code: 'HALL_ERR_ACCOUNT_LOCKED' });
    // The same lock holds for the web sign-in and for the right PIN.
    expect((await signIn('caller-staff')).status).toBe(423);
    await expect(
      signInCaller(s.app.db, { username: 'caller-staff', pin: '480613' }, clock.now()),
    ).rejects.toBeInstanceOf(HallError);
    clock.advance(MIN + 1000);
    expect((await signInCaller(s.app.db, { username: 'caller-staff', pin: '480613' }, clock.now())).user.username).toBe(
      'caller-staff',
    );
    // A role without queue.operate cannot sign in on a caller even with a PIN.
    await s.app.db.query(
      "UPDATE users SET pin_hash = (SELECT pin_hash FROM users WHERE username = 'caller-staff') WHERE username = 'pw-user'",
    );
    await expect(signInCaller(s.app.db, { username: 'pw-user', pin: '480613' }, clock.now())).rejects.toMatchObject({
      code: 'HALL_ERR_FORBIDDEN',
    });

    expect((await audit('auth.pin.set', 'caller-staff')).map((r) => r.result)).toEqual(['failed', 'ok']);
    const rows = JSON.stringify(
      (await s.app.db.query("SELECT detail FROM audit_log WHERE username = 'caller-staff'")).rows,
    );
    expect(rows).not.toContain('480613');
    expect(rows).not.toContain('000001');
  });

  it('serves a strict CSP and no-store API answers', async () => {
    const res = await fetch(`${s.base}/`);
    const csp = res.headers.get('content-security-policy')!;
    const directive = (name: string) =>
      csp
        .split(';')
        .map((d) => d.trim())
        .find((d) => d.startsWith(`${name} `)) ?? '';
    expect(directive('script-src')).toBe("script-src 'self'");
    expect(directive('style-src')).toBe("style-src 'self'");
    expect(directive('object-src')).toBe("object-src 'none'");
    expect(directive('frame-ancestors')).toBe("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-eval');
    const apiRes = await fetch(`${s.base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(apiRes.headers.get('cache-control')).toBe('no-store');
  });
});

describe('rate limits (default configuration, real time)', () => {
  let s: Stack;
  beforeAll(async () => {
    s = await startStack();
  });
  afterAll(async () => {
    await s?.stop();
  });

  const attempt = (username: string, ip?: string) =>
    fetch(`${s.base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(ip ? { 'x-forwarded-for': ip } : {}) },
      body: JSON.stringify({ username, password: 'guess-guess' }),
    });

  it('per client IP and user name: the 11th failure in 15 minutes is a coded 429, counted in the metrics', async () => {
    for (let i = 0; i < 10; i++) expect((await attempt('ghost-user', '10.1.0.1')).status).toBe(401);
    const limited = await attempt('ghost-user', '10.1.0.1');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await limited.json()).toMatchObject({ error: { code: 'HALL_ERR_RATE_LIMITED' } });
    // Another name from the same address, and the same name from elsewhere, still get an answer.
    expect((await attempt('other-ghost', '10.1.0.1')).status).toBe(401);
    expect((await attempt('ghost-user', '10.1.0.2')).status).toBe(401);
    const metrics = await (await fetch(`${s.base}/metrics`)).text();
    expect(metrics).toMatch(/hall_refused_total\{source="http",code="HALL_ERR_RATE_LIMITED"\} [1-9]/);
  });

  it('per client IP: the 51st failure over many names is a 429; successful sign-ins do not count', async () => {
    for (let i = 0; i < 10; i++)
      expect((await api(s, 'POST', '/api/auth/login', { username: 'leader', password: 'Demo#2026' })).status).toBe(200);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => attempt(`spray-${i}`, '10.2.0.1').then((r) => r.status)),
    );
    expect(results.every((st) => st === 401)).toBe(true);
    expect((await attempt('spray-last', '10.2.0.1')).status).toBe(429);
    expect((await attempt('spray-x', '10.2.0.9')).status).toBe(401);
  });
});
