import { ref, shallowRef } from 'vue';
import { defineStore } from 'pinia';
import type { ConfigProblemView, HallConfigView } from '@contracts/config-admin.ts';
import { ApiError, codeOf } from '../api/http.ts';
import { useAuthStore } from './auth.ts';

/**
 * The queue configuration admin page (issue 4 "Admin"; docs/admin.md): one
 * hall's configuration as `GET /api/halls/:hallId/config` returns it, and
 * every change sent to the REST endpoints. A change answers with the new
 * configuration, so the page always shows what the server now holds. A
 * refusal keeps its code (shown localized) and the server's problem list.
 */
export interface AdminError { code: string; problems: ConfigProblemView[] }

type Method = 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** fetch with a method the shared api() helper does not offer, keeping `details.problems` of a refusal. */
async function send<T>(method: 'GET' | Method, path: string, token: string | null, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: { Accept: 'application/json', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    throw new ApiError('NETWORK', err instanceof Error ? err.message : String(err));
  }
  const json: unknown = await res.json().catch(() => undefined);
  if (!res.ok) {
    const e = (json as { error?: { code?: unknown; message?: unknown; details?: { problems?: unknown } } } | undefined)?.error;
    const err = new ApiError(typeof e?.code === 'string' ? e.code : res.status === 403 ? 'HALL_ERR_FORBIDDEN' : 'HALL_ERR_BAD_REQUEST',
      typeof e?.message === 'string' ? e.message : res.statusText, res.status);
    (err as ApiError & { problems?: unknown }).problems = Array.isArray(e?.details?.problems) ? e.details.problems : [];
    throw err;
  }
  if (json === undefined) throw new ApiError('BAD_RESPONSE', `no JSON body from ${path}`, res.status);
  return json as T;
}

export const useAdminStore = defineStore('admin', () => {
  const hallId = ref<string | null>(null);
  const config = shallowRef<HallConfigView | null>(null);
  const loading = ref(false);
  const saving = ref(false);
  const error = ref<AdminError | null>(null);
  /** Bumped after each saved change: panels close their forms on it. */
  const savedAt = ref(0);

  function fail(err: unknown): void {
    const auth = useAuthStore();
    const code = codeOf(err);
    if (code === 'HALL_ERR_UNAUTHENTICATED' || code === 'HALL_ERR_SESSION_EXPIRED') auth.expire();
    const problems = ((err as { problems?: unknown }).problems as ConfigProblemView[] | undefined) ?? [];
    error.value = { code, problems };
  }

  async function load(id: string): Promise<void> {
    const auth = useAuthStore();
    if (hallId.value !== id) config.value = null;
    hallId.value = id;
    loading.value = true;
    error.value = null;
    try {
      config.value = await send<HallConfigView>('GET', `/api/halls/${encodeURIComponent(id)}/config`, auth.token);
    } catch (err) {
      fail(err);
    } finally {
      loading.value = false;
    }
  }

  /** One change: `path` below /api/halls/{hallId}. Returns whether it was saved. */
  async function change(method: Method, path: string, body?: unknown): Promise<boolean> {
    const auth = useAuthStore();
    if (!hallId.value) return false;
    saving.value = true;
    error.value = null;
    try {
      const r = await send<{ config: HallConfigView }>(method, `/api/halls/${encodeURIComponent(hallId.value)}${path}`, auth.token, body);
      config.value = r.config;
      savedAt.value = Date.now();
      return true;
    } catch (err) {
      fail(err);
      return false;
    } finally {
      saving.value = false;
    }
  }

  function clearError(): void {
    error.value = null;
  }

  return { hallId, config, loading, saving, error, savedAt, load, change, clearError };
});
