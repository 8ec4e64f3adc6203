import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import zhCN from './zh-CN.ts';
import en from './en.ts';
import { roles } from '../../../contracts/rest.ts'; // relative: the root vitest config has no @contracts alias
import { deviceKinds } from '../../../contracts/ids.ts';
import { indicatorAreaSchema, indicatorLevelSchema, indicatorUnitSchema } from '../../../contracts/indicators.ts';

/**
 * vue-i18n accepts any string as a key, so a misspelt key would only show up
 * as a raw "live.totalWating" on the wall. These checks catch it in CI.
 */
type Tree = { [k: string]: string | Tree };

function leaves(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else for (const [kk, vv] of leaves(v, key)) out.set(kk, vv);
  }
  return out;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.(vue|ts)$/.test(e.name) && !e.name.endsWith('.test.ts') ? [p] : [];
  });
}

const zh = leaves(zhCN as Tree);
const english = leaves(en as Tree);
const srcDir = join(import.meta.dirname, '..');

describe('locales', () => {
  it('Chinese and English have the same keys', () => {
    expect([...english.keys()].sort()).toEqual([...zh.keys()].sort());
  });

  it('no message is empty or uses vue-i18n syntax characters by accident', () => {
    for (const [key, text] of [...zh, ...english]) {
      expect(text, key).not.toBe('');
      expect(text, key).not.toMatch(/[{}@$|]/);
    }
  });

  it('every literal key passed to t() exists', () => {
    const used = new Set<string>();
    for (const file of sourceFiles(srcDir)) {
      for (const m of readFileSync(file, 'utf8').matchAll(/\bt\('([\w.]+)'\)/g)) used.add(m[1]!);
    }
    expect(used.size).toBeGreaterThan(20);
    const missing = [...used].filter((k) => !zh.has(k));
    expect(missing).toEqual([]);
  });

  it('every key built from a template has its variants', () => {
    const variants = {
      roles,
      levels: ['city', 'district', 'town', 'village'],
      'live.state': ['live', 'connecting', 'offline'],
      'devices.kind': deviceKinds,
      'devices.paper': ['ok', 'low', 'out'],
      // Built from the indicator catalog's enums (contracts/indicators.ts) and the period presets.
      'leader.units': indicatorUnitSchema.options,
      'leader.level': indicatorLevelSchema.options,
      'leader.area': indicatorAreaSchema.options,
      'leader.periods': ['today', '7d', '30d'],
    };
    for (const [prefix, names] of Object.entries(variants)) {
      for (const n of names) expect(zh.has(`${prefix}.${n}`), `${prefix}.${n}`).toBe(true);
    }
  });
});
