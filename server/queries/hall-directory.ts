import { scopeCoversHall, type HallScope } from '../domain/access/scope.ts';
import { loadHallDirectory } from '../store/halls-repo.ts';
import type { Db } from '../store/pool.ts';

/**
 * Which halls exist and where they sit in the region tree, in memory: every
 * `hall:join`, every hall-scoped REST call asks "is this hall in the user's
 * scope", and answering that from PostgreSQL was a round trip per request
 * (docs/architecture.md "Reads from memory"). Reloaded when the hall feed says
 * a hall was added or moved (migration 016), once a minute for region edits,
 * and at once for a hall id it does not know (a hall created a moment ago in
 * another process), at most once a second so unknown ids cannot make it a
 * query per request again.
 */
export interface HallDirectory {
  /** Same answer as halls-repo.ts `hallInScope`. */
  inScope(scope: HallScope, hallId: string): Promise<boolean>;
  /** Forget and reload on next use. */
  invalidate(): void;
}

export function createHallDirectory(deps: { db: Db; now?: () => number; maxAgeMs?: number }): HallDirectory {
  const now = deps.now ?? Date.now;
  const maxAgeMs = deps.maxAgeMs ?? 60_000;
  let loaded: {
    at: number;
    halls: Map<string, { id: string; regionCode: string }>;
    parents: Map<string, string | null>;
  } | null = null;
  let loading: Promise<void> | null = null;
  let lastMissReload = 0;

  function load(): Promise<void> {
    loading ??= loadHallDirectory(deps.db)
      .then((d) => {
        loaded = {
          at: now(),
          halls: new Map(d.halls.map((h) => [h.id, h])),
          parents: new Map(d.regions.map((r) => [r.code, r.parentCode])),
        };
      })
      .finally(() => {
        loading = null;
      });
    return loading;
  }

  return {
    async inScope(scope, hallId) {
      if (scope.kind === 'none') return false;
      if (!loaded || now() - loaded.at > maxAgeMs) await load();
      let hall = loaded!.halls.get(hallId);
      if (!hall && now() - lastMissReload > 1_000) {
        lastMissReload = now();
        await load();
        hall = loaded!.halls.get(hallId);
      }
      if (!hall) return false;
      const parents = loaded!.parents;
      return scopeCoversHall(scope, hall, (c) => parents.get(c));
    },
    invalidate() {
      if (loaded) loaded.at = -Infinity;
    },
  };
}
