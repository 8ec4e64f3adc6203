/**
 * fetch for the REST API under /api. Every refusal becomes an ApiError with
 * the server's HALL_ERR_* code (contracts/errors.ts body `{error:{code,message}}`),
 * so the pages translate codes, never server prose.
 */
export class ApiError extends Error {
  /** `details` of the refusal body, e.g. the configuration `problems` of a refused admin change. */
  constructor(readonly code: string, message: string, readonly status = 0, readonly details?: unknown) {
    super(message);
    this.name = 'ApiError';
  }
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

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  token?: string | null;
  signal?: AbortSignal;
}

export async function api<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
  let res: Response;
  try {
    res = await fetch(path, {
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
    throw new ApiError(e?.code ?? codeForStatus(res.status), e?.message ?? res.statusText, res.status, e?.details);
  }
  if (body === undefined) throw new ApiError('BAD_RESPONSE', `no JSON body from ${path}`, res.status);
  return body as T;
}

/** The code to show for any thrown value. */
export function codeOf(err: unknown): string {
  if (err instanceof ApiError) return err.code;
  if (err instanceof Error && /timed out/i.test(err.message)) return 'TIMEOUT'; // socket.io ack timeout
  return 'UNKNOWN';
}
