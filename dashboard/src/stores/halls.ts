import { ref, shallowRef } from 'vue';
import { defineStore } from 'pinia';
import type { HallSummary } from '@contracts/hall.ts';
import { api, ApiError, codeOf } from '../api/http.ts';
import { useAuthStore } from './auth.ts';

/** The halls the signed-in user may see (the server filters by role and region). */
export const useHallsStore = defineStore('halls', () => {
  const halls = shallowRef<HallSummary[]>([]);
  const loaded = ref(false);
  const loading = ref(false);
  const errorCode = ref<string | null>(null);

  async function load(): Promise<void> {
    const auth = useAuthStore();
    loading.value = true;
    errorCode.value = null;
    try {
      const res = await api<{ halls?: unknown }>('/api/halls', { token: auth.token });
      if (!Array.isArray(res.halls)) throw new ApiError('BAD_RESPONSE', 'halls is not a list');
      halls.value = res.halls as HallSummary[];
      loaded.value = true;
    } catch (err) {
      if (err instanceof ApiError && (err.code === 'HALL_ERR_UNAUTHENTICATED' || err.code === 'HALL_ERR_SESSION_EXPIRED')) auth.expire();
      errorCode.value = codeOf(err);
    } finally {
      loading.value = false;
    }
  }

  function byId(id: string): HallSummary | undefined {
    return halls.value.find((h) => h.id === id);
  }

  function clear(): void {
    halls.value = [];
    loaded.value = false;
    errorCode.value = null;
  }

  return { halls, loaded, loading, errorCode, load, byId, clear };
});
