import type { HallScope } from '../domain/access/scope.ts';
import type { Db } from './pool.ts';
import { SCOPE_SQL, scopeArgs } from './halls-repo.ts';

/**
 * The region tree (行政区划: 市 → 区县 → 镇街 → 村社区) as far as a caller's
 * scope reaches, for the leadership screens' drill-down (001
 * §1.1.1.17 scope). Small tables: read whole and shaped in memory.
 */
export interface RegionRow {
  code: string;
  name: string;
  level: string;
  parent_code: string | null;
}
export interface ScopedHall {
  id: string;
  name: string;
  level: string;
  region_code: string;
}

export interface RegionLevelView {
  region: { code: string; name: string; level: string } | null;
  hallIds: string[];
  children: { kind: 'region' | 'hall'; id: string; name: string; level: string; hallIds: string[] }[];
}

// The scope rule is halls-repo's, used as is.
const SCOPED_HALLS = `SELECT h.id, h.name, h.level, h.region_code FROM halls h WHERE h.id IN (${SCOPE_SQL}) ORDER BY h.id`;

/**
 * One level of the tree: the region asked for (or the top of the scope), its
 * child regions that hold halls in scope, and the halls placed at the region
 * itself. Null when the region does not exist or holds no hall in scope —
 * answered like a hall the caller may not see.
 */
export async function regionLevel(
  db: Db,
  scope: HallScope,
  regionCode: string | null,
): Promise<RegionLevelView | null> {
  if (scope.kind === 'none') return null;
  const [h, r] = await Promise.all([
    db.query<ScopedHall>(SCOPED_HALLS, scopeArgs(scope)),
    db.query<RegionRow>('SELECT code, name, level, parent_code FROM regions'),
  ]);
  const regions = new Map(r.rows.map((x) => [x.code, x]));
  const halls = h.rows;
  if (halls.length === 0) return null;
  /** Region codes from a code up to the root. */
  const chain = (code: string): string[] => {
    const out: string[] = [];
    for (let c: string | null = code; c !== null && !out.includes(c); c = regions.get(c)?.parent_code ?? null)
      out.push(c);
    return out;
  };
  // The top of the scope: the deepest region that every hall in scope lies under.
  let at = regionCode;
  if (at === null) {
    const chains = halls.map((x) => chain(x.region_code).reverse());
    let i = 0;
    while (chains.every((c) => c[i] !== undefined && c[i] === chains[0]![i])) i++;
    at = i > 0 ? chains[0]![i - 1]! : null;
  }
  const under = at === null ? halls : halls.filter((x) => chain(x.region_code).includes(at));
  if (under.length === 0) return null;
  const node = at === null ? null : (regions.get(at) ?? null);
  if (at !== null && !node) return null;
  const children: RegionLevelView['children'] = [];
  const byChild = new Map<string, string[]>();
  for (const x of under) {
    const c = chain(x.region_code);
    const idx = at === null ? c.length : c.indexOf(at);
    if (idx === 0) {
      children.push({ kind: 'hall', id: x.id, name: x.name, level: x.level, hallIds: [x.id] });
    } else {
      const child = c[idx - 1]!;
      byChild.set(child, [...(byChild.get(child) ?? []), x.id]);
    }
  }
  for (const [code, ids] of [...byChild.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const reg = regions.get(code)!;
    children.push({ kind: 'region', id: code, name: reg.name, level: reg.level, hallIds: ids });
  }
  return {
    region: node ? { code: node.code, name: node.name, level: node.level } : null,
    hallIds: under.map((x) => x.id),
    children,
  };
}

/** Display names for ranking keys (hall, window, item, department ids). */
export async function namesOf(
  db: Db,
  by: 'hall' | 'window' | 'item' | 'department' | 'staff',
  keys: readonly string[],
): Promise<Map<string, string>> {
  if (keys.length === 0) return new Map();
  const sql = {
    hall: 'SELECT id AS key, name FROM halls WHERE id = ANY($1)',
    window:
      "SELECT w.id AS key, h.name || ' ' || w.name AS name FROM windows w JOIN halls h ON h.id = w.hall_id WHERE w.id = ANY($1)",
    item: 'SELECT DISTINCT ON (code) code AS key, name FROM items WHERE code = ANY($1) ORDER BY code, hall_id',
    department:
      "SELECT d.id AS key, h.name || ' ' || d.name AS name FROM departments d JOIN halls h ON h.id = d.hall_id WHERE d.id = ANY($1)",
    // Staff by login name (no personal data), with their hall when they have one.
    staff:
      "SELECT u.id::text AS key, COALESCE(h.name || ' ', '') || u.username AS name FROM users u LEFT JOIN halls h ON h.id = u.hall_id WHERE u.id::text = ANY($1)",
  }[by];
  const r = await db.query<{ key: string; name: string }>(sql, [keys]);
  return new Map(r.rows.map((x) => [x.key, x.name]));
}
