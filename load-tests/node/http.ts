import { loginResponseSchema, type LoginResponse } from '../../contracts/index.ts';

/**
 * The wire, as a screen or a phone sees it: plain fetch (undici, keep-alive),
 * the staff bearer token in `Authorization`, coded error bodies
 * `{error:{code,message,details}}`.
 */

export interface Reply {
  status: number;
  body: unknown;
  ms: number;
  /** `HALL_ERR_*` from the body of a refusal, `NETWORK` when nothing came back. */
  code: string | null;
}

export interface CallOptions {
  method?: 'GET' | 'POST';
  token?: string;
  body?: unknown;
  /** Client address as a trusted loopback proxy would pass it on (X-Forwarded-For). */
  xff?: string;
  timeoutMs?: number;
}

export async function call(url: string, o: CallOptions = {}): Promise<Reply> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  if (o.body !== undefined) headers['content-type'] = 'application/json';
  if (o.xff) headers['x-forwarded-for'] = o.xff;
  const t0 = performance.now();
  try {
    const res = await fetch(url, {
      method: o.method ?? 'GET',
      headers,
      body: o.body === undefined ? undefined : JSON.stringify(o.body),
      signal: AbortSignal.timeout(o.timeoutMs ?? 30_000),
    });
    const text = await res.text();
    const ms = performance.now() - t0;
    let body: unknown = undefined;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    return { status: res.status, body, ms, code: res.ok ? null : (errorCodeOf(body) ?? `HTTP_${res.status}`) };
  } catch (e) {
    return { status: 0, body: String(e), ms: performance.now() - t0, code: 'NETWORK' };
  }
}

/** The code of a coded refusal, whichever shape carries it: `{error:{code}}` or `{code}`. */
export function errorCodeOf(body: unknown): string | null {
  if (typeof body !== 'object' || body === null) return null;
  const b = body as { code?: unknown; error?: { code?: unknown } };
  if (typeof b.error === 'object' && b.error !== null && typeof b.error.code === 'string') return b.error.code;
  return typeof b.code === 'string' ? b.code : null;
}

/**
 * `retryAfterMs` of a HALL_ERR_BUSY refusal, wherever the server put it
 * (`{retryAfterMs}`, `{details:{retryAfterMs}}`, `{error:{details:{…}}}`, or
 * seconds as `retryAfterSec`); `fallback` when absent.
 */
export function retryAfterMsOf(data: unknown, fallback = 1000): number {
  const seen = new Set<unknown>();
  const walk = (v: unknown, depth: number): number | null => {
    if (typeof v !== 'object' || v === null || depth > 3 || seen.has(v)) return null;
    seen.add(v);
    const o = v as Record<string, unknown>;
    if (typeof o.retryAfterMs === 'number' && Number.isFinite(o.retryAfterMs)) return o.retryAfterMs;
    if (typeof o.retryAfterSec === 'number' && Number.isFinite(o.retryAfterSec)) return o.retryAfterSec * 1000;
    for (const k of ['details', 'error', 'data']) {
      const r = walk(o[k], depth + 1);
      if (r !== null) return r;
    }
    return null;
  };
  const r = walk(data, 0);
  return r === null ? fallback : Math.max(0, Math.min(r, 60_000));
}

export class LoginError extends Error {
  constructor(
    readonly username: string,
    readonly status: number,
    readonly code: string | null,
  ) {
    super(`sign-in of ${username} refused: ${status} ${code ?? ''}`.trim());
  }
}

/**
 * One staff sign-in. Failed sign-ins count against the server's rate limits
 * (LOGIN_RATE_PER_ACCOUNT 10 and LOGIN_RATE_PER_IP 50 per 15 min) and five
 * wrong passwords lock the account: callers stop at the first refusal instead
 * of retrying.
 */
export async function login(base: string, username: string, password: string): Promise<LoginResponse> {
  const r = await call(`${base}/api/auth/login`, { method: 'POST', body: { username, password } });
  if (r.status !== 200) throw new LoginError(username, r.status, r.code);
  const parsed = loginResponseSchema.safeParse(r.body);
  if (!parsed.success) throw new LoginError(username, r.status, 'BAD_LOGIN_REPLY');
  return parsed.data;
}

export async function logout(base: string, token: string): Promise<void> {
  await call(`${base}/api/auth/logout`, { method: 'POST', token });
}

export async function hallsOf(base: string, token: string): Promise<string[]> {
  const r = await call(`${base}/api/halls`, { token });
  if (r.status !== 200) throw new Error(`GET /api/halls: ${r.status} ${r.code ?? ''}`);
  return ((r.body as { halls: { id: string }[] }).halls ?? []).map((h) => h.id);
}

export const sleep = (ms: number) => new Promise<void>((res) => setTimeout(res, ms));

/** `ms` ± `spread` (a fraction), never below 0. */
export function jitter(ms: number, spread = 0.2): number {
  return Math.max(0, ms * (1 - spread + 2 * spread * Math.random()));
}
