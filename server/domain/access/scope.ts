import type { Role } from '../../../contracts/index.ts';

/**
 * Which halls a staff member may act on (001 §1.1.1.17: every service point
 * manages only its own software and hardware). A user bound to a hall sees
 * that hall; one bound to a region sees every hall of the region and the
 * regions below it (市 → 县 → 镇 → 村 codes); an unbound administrator or
 * leader sees the whole deployment. What they may DO there is the
 * permission table (permissions.ts).
 */
export interface StaffPrincipal {
  userId: number;
  username: string;
  role: Role;
  hallId: string | null;
  regionCode: string | null;
  departmentId?: string | null;
}

export type HallScope =
  { kind: 'all' } | { kind: 'hall'; hallId: string } | { kind: 'region'; regionCode: string } | { kind: 'none' };

export function hallScope(u: StaffPrincipal): HallScope {
  if (u.hallId) return { kind: 'hall', hallId: u.hallId };
  if (u.regionCode) return { kind: 'region', regionCode: u.regionCode };
  if (['sysadmin', 'leader', 'secadmin'].includes(u.role)) return { kind: 'all' };
  return { kind: 'none' };
}

/**
 * Whether a scope covers a hall, from the region tree in memory: the same
 * answer as halls-repo.ts SCOPE_SQL for a hall that exists. `parentOf` gives a
 * region's parent code (null at the top, undefined for an unknown code).
 */
export function scopeCoversHall(
  scope: HallScope,
  hall: { id: string; regionCode: string },
  parentOf: (code: string) => string | null | undefined,
): boolean {
  switch (scope.kind) {
    case 'none':
      return false;
    case 'all':
      return true;
    case 'hall':
      return scope.hallId === hall.id;
    case 'region': {
      // Bounded: a cycle in bad region data must not hang the process.
      let code: string | null | undefined = hall.regionCode;
      for (let depth = 0; code != null && depth < 16; depth++) {
        if (code === scope.regionCode) return true;
        code = parentOf(code);
      }
      return false;
    }
  }
}
