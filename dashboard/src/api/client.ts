import { z } from 'zod';

// The dashboard runs under a strict CSP without 'unsafe-eval' (docs/authentication.md): zod's
// compiled parsers would probe `new Function` and be reported as a violation.
z.config({ jitless: true });

/**
 * The one way the dashboard speaks REST to the server (/api). It adds the
 * session's bearer token itself, turns every refusal into an ApiError with
 * the server's HALL_ERR_* code (contracts/errors.ts body `{error:{code,message}}`,
 * so pages translate codes, never server prose), ends the session on the
 * codes that say it is over, and checks every answer against its zod
 * contract: an answer of another shape is a BAD_RESPONSE here, not a wrong
 * value three components later.
 */
export class ApiError extends Error {
  /** `details` of the refusal body, e.g. the configuration `problems` of a refused admin change. */
  constructor(
    readonly code: string,
    message: string,
    readonly status = 0,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Codes by which the server says the session behind a request is over (REST and socket alike). */
const SESSION_ENDED = new Set(['HALL_ERR_UNAUTHENTICATED', 'HALL_ERR_SESSION_EXPIRED']);

export function endsSession(code: string): boolean {
  return SESSION_ENDED.has(code);
}

/**
 * The session as the client sees it, bound by the auth store: where the token
 * is, and what to do when the server no longer takes it. A hook rather than
 * an import, because the auth store itself signs in through this client.
 */
export interface SessionBinding {
  token(): string | null;
  ended(): void;
}

let session: SessionBinding = { token: () => null, ended: () => undefined };

export function bindSession(s: SessionBinding): void {
  session = s;
}

/** The token requests and sockets carry now. */
export function sessionToken(): string | null {
  return session.token();
}

/**
 * The server refused `sentToken` as over. Only the session that is still
 * current ends: an answer to a request sent before a logout or a new sign-in
 * must not sign the next user out.
 */
export function sessionRefused(sentToken: string | null): void {
  if (sentToken !== null && sentToken === session.token()) session.ended();
}

/** Code when a refusal has no usable body (a proxy's HTML error page, for instance). */
function codeForStatus(status: number): string {
  if (status === 401) return 'HALL_ERR_UNAUTHENTICATED';
  if (status === 403) return 'HALL_ERR_FORBIDDEN';
  if (status === 404) return 'HALL_ERR_NOT_FOUND';
  if (status === 502 || status === 503 || status === 504) return 'HALL_ERR_UNAVAILABLE';
  if (status >= 500) return 'HALL_ERR_INTERNAL';
  return 'HALL_ERR_BAD_REQUEST';
}

function errorOf(body: unknown): { code: string; message: string; details?: unknown } | null {
  if (typeof body !== 'object' || body === null || !('error' in body)) return null;
  const e = (body as { error: unknown }).error;
  if (typeof e !== 'object' || e === null) return null;
  const { code, message, details } = e as { code?: unknown; message?: unknown; details?: unknown };
  return typeof code === 'string' ? { code, message: typeof message === 'string' ? message : code, details } : null;
}

export type Query = Record<string, string | undefined>;

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  /** Query parameters; undefined values are left out. */
  query?: Query;
  signal?: AbortSignal;
}

/** `segments` joined as one path, each one encoded: ids never break out of their place in the URL. */
export function path(...segments: (string | number)[]): string {
  return `/api/${segments.map((s) => encodeURIComponent(String(s))).join('/')}`;
}

function withQuery(p: string, q: Query | undefined): string {
  if (!q) return p;
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined) qs.set(k, v);
  const s = qs.toString();
  return s ? `${p}?${s}` : p;
}

/** Sends one request; resolves with the parsed JSON body (undefined when there is none), throws ApiError. */
async function send(p: string, opts: RequestOptions): Promise<{ body: unknown; status: number }> {
  const url = withQuery(p, opts.query);
  const token = session.token();
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;
  let res: Response;
  try {
    res = await fetch(url, {
      method: opts.method ?? 'GET',
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: opts.signal,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError('NETWORK', err instanceof Error ? err.message : String(err));
  }
  const body: unknown = await res.json().catch(() => undefined);
  if (!res.ok) {
    const e = errorOf(body);
    const code = e?.code ?? codeForStatus(res.status);
    if (endsSession(code)) sessionRefused(token);
    throw new ApiError(code, e?.message ?? res.statusText, res.status, e?.details);
  }
  return { body, status: res.status };
}

/** A request whose answer the page reads: the body must match `schema`, else ApiError BAD_RESPONSE. */
export async function request<S extends z.ZodType>(
  schema: S,
  p: string,
  opts: RequestOptions = {},
): Promise<z.output<S>> {
  const { body, status } = await send(p, opts);
  if (body === undefined) throw new ApiError('BAD_RESPONSE', `no JSON body from ${p}`, status);
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first ? `${first.path.join('.') || '(body)'}: ${first.message}` : 'unexpected shape';
    throw new ApiError(
      'BAD_RESPONSE',
      `${p} answered another shape than its contract (${where})`,
      status,
      parsed.error.issues,
    );
  }
  return parsed.data;
}

/** A request whose answer the page does not read (an operation followed by a fresh read, a logout). */
export async function command(p: string, opts: RequestOptions = {}): Promise<void> {
  await send(p, opts);
}

/** The code to show for any thrown value. */
export function codeOf(err: unknown): string {
  if (err instanceof ApiError) return err.code;
  if (err instanceof Error && /timed out/i.test(err.message)) return 'TIMEOUT'; // socket.io ack timeout
  return 'UNKNOWN';
}
