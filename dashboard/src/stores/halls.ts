import { ref, shallowRef } from 'vue';
import { defineStore } from 'pinia';
import type { HallSummary } from '@contracts/hall.ts';
import { codeOf } from '../api/client.ts';
import { listHalls } from '../api/halls.ts';

/** The halls the signed-in user may see (the server filters by role and region). */
export const useHallsStore = defineStore('halls', () => {
  const halls = shallowRef<HallSummary[]>([]);
  const loaded = ref(false);
  const loading = ref(false);
  const errorCode = ref<string | null>(null);

  async function load(): Promise<void> {
    loading.value = true;
    errorCode.value = null;
    try {
      halls.value = (await listHalls()).halls;
      loaded.value = true;
    } catch (err) {
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
