import { totpCode, totpStep } from '../../server/security/totp.ts';

/**
 * Signing in as an account that needs a second factor, for tests and the
 * benchmark (GB/T 22239-2019 8.1.4.1 d: administrators must use TOTP). The first sign-in of an
 * admin gets a session restricted to enrolment; this enrols a TOTP secret
 * (setup + confirm) and keeps it, so later sign-ins send a fresh code.
 *
 * The server refuses a code's time step twice (replay), and one step is 30 s,
 * so a test signing in as the same admin again reuses the last session while
 * the server still accepts it, instead of waiting for the next step.
 */
interface Enrolment {
  secret: string;
  lastStep: number;
  password: string;
  token: string | null;
}
const enrolments = new Map<string, Enrolment>();

type Json = Record<string, unknown>;
async function call(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
): Promise<{ status: number; body: Json }> {
  const res = await fetch(base + path, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  let parsed: Json = {};
  try {
    parsed = JSON.parse(text) as Json;
  } catch {
    /* not JSON */
  }
  return { status: res.status, body: parsed };
}

/** Enrols TOTP on a session flagged `mustEnrollTotp`; returns the secret. `now` is the server's time (ms). */
export async function enrollTotp(
  base: string,
  token: string,
  now: () => number = Date.now,
): Promise<{ secret: string; step: number }> {
  const setup = await call(base, 'POST', '/api/auth/totp/setup', {}, token);
  if (setup.status !== 200) throw new Error(`totp setup failed: ${setup.status} ${JSON.stringify(setup.body)}`);
  const secret = setup.body.secret as string;
  const at = new Date(now());
  const confirm = await call(base, 'POST', '/api/auth/totp/confirm', { code: totpCode(secret, at) }, token);
  if (confirm.status !== 200) throw new Error(`totp confirm failed: ${confirm.status} ${JSON.stringify(confirm.body)}`);
  return { secret, step: totpStep(at) };
}

/** The enrolled secret of `username` in the deployment `scope` (a DATA_DIR or database URL), if this process enrolled it. */
export function totpSecretOf(scope: string, username: string): string | null {
  return enrolments.get(`${scope}|${username}`)?.secret ?? null;
}

/** A code for `username` whose step the server has not seen, waiting for the next step if needed. */
export async function nextTotpCode(scope: string, username: string, now: () => number = Date.now): Promise<string> {
  const e = enrolments.get(`${scope}|${username}`);
  if (!e) throw new Error(`no TOTP enrolled for ${username} in this test run`);
  const step = Math.max(totpStep(new Date(now())), e.lastStep + 1);
  // ±1 step is accepted: a code of the next step works at once; beyond that, wait (real clock only).
  const giveUp = Date.now() + 70_000;
  while (step > totpStep(new Date(now())) + 1) {
    if (Date.now() > giveUp) throw new Error(`no fresh TOTP step for ${username}: move the test clock on by 30 s`);
    await new Promise((r) => setTimeout(r, 250));
  }
  e.lastStep = step;
  return totpCode(e.secret, new Date(step * 30_000));
}

/**
 * Signs in with password, and with TOTP where the account needs it:
 * enrols on the first sign-in of an admin, sends a fresh code later. Returns
 * a bearer token with a full (not enrolment-only) session.
 */
export async function signIn(
  base: string,
  scope: string,
  username: string,
  password: string,
  now: () => number = Date.now,
): Promise<string> {
  const key = `${scope}|${username}`;
  const known = enrolments.get(key);
  if (known?.token && known.password === password) {
    const s = await call(base, 'GET', '/api/auth/session', undefined, known.token);
    if (s.status === 200 && s.body.mustEnrollTotp === false) return known.token;
  }
  let r = await call(base, 'POST', '/api/auth/login', { username, password });
  if (r.status === 401 && (r.body.error as Json | undefined)?.code === 'HALL_ERR_SECOND_FACTOR_REQUIRED' && known) {
    r = await call(base, 'POST', '/api/auth/login', {
      username,
      password,
      totp: await nextTotpCode(scope, username, now),
    });
    if (r.status === 200) known.token = r.body.token as string;
  }
  if (r.status !== 200) throw new Error(`login ${username} failed: ${r.status} ${JSON.stringify(r.body)}`);
  const token = r.body.token as string;
  if (r.body.mustEnrollTotp) {
    const { secret, step } = await enrollTotp(base, token, now);
    enrolments.set(key, { secret, lastStep: step, password, token });
  }
  return token;
}
