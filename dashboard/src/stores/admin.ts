import { ref, shallowRef } from 'vue';
import { defineStore } from 'pinia';
import type { ConfigProblemView, HallConfigView } from '@contracts/config-admin.ts';
import { ApiError, codeOf } from '../api/client.ts';
import { hallConfig, type ConfigChange } from '../api/admin-config.ts';

/**
 * The queue configuration admin page (docs/admin.md): one
 * hall's configuration as `GET /api/halls/:hallId/config` returns it, and
 * every change sent to the REST endpoints. A change answers with the new
 * configuration, so the page always shows what the server now holds. A
 * refusal keeps its code (shown localized) and the server's problem list.
 */
export interface AdminError {
  code: string;
  problems: ConfigProblemView[];
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
    const code = codeOf(err);
    const details = err instanceof ApiError ? (err.details as { problems?: unknown } | undefined) : undefined;
    const problems = Array.isArray(details?.problems) ? (details.problems as ConfigProblemView[]) : [];
    error.value = { code, problems };
  }

  async function load(id: string): Promise<void> {
    if (hallId.value !== id) config.value = null;
    hallId.value = id;
    loading.value = true;
    error.value = null;
    try {
      config.value = await hallConfig(id);
    } catch (err) {
      fail(err);
    } finally {
      loading.value = false;
    }
  }

  /** One change (api/admin-config.ts configChanges) of the hall in view. Returns whether it was saved. */
  async function change(run: ConfigChange): Promise<boolean> {
    if (!hallId.value) return false;
    saving.value = true;
    error.value = null;
    try {
      const r = await run(hallId.value);
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
