import type { Role } from '../../contracts/index.ts';

/**
 * Which halls a staff member may see (001 §1.1.1.17: every service point
 * manages only its own). Issue 3 widens this into the full permission table.
 */
export interface StaffPrincipal { userId: number; username: string; role: Role; hallId: string | null; regionCode: string | null }

export type HallScope = { kind: 'all' } | { kind: 'hall'; hallId: string } | { kind: 'region'; regionCode: string } | { kind: 'none' };

export function hallScope(u: StaffPrincipal): HallScope {
  if (u.hallId) return { kind: 'hall', hallId: u.hallId };
  if (u.regionCode) return { kind: 'region', regionCode: u.regionCode };
  if (['sysadmin', 'leader', 'secadmin'].includes(u.role)) return { kind: 'all' };
  return { kind: 'none' };
}
