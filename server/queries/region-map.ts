import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import { HallError, type mapQuerySchema } from '../../contracts/index.ts';
import { hallScope, type StaffPrincipal } from '../domain/access/scope.ts';
import { syntheticMap, type FeatureCollection, type MapArea } from '../domain/geo/synthetic-map.ts';
import { regionLevel } from '../store/regions-repo.ts';
import type { ReadModelDeps } from './read-model-deps.ts';

/**
 * The map of a region's children on the leadership screens (DOMAIN.md "Who
 * uses it": city → district → town → village): the deployment's GeoJSON
 * (MAP_GEOJSON_DIR/{code}.geojson) when there is one, else the demo's
 * synthetic tiles. Only codes in the caller's scope are kept (001
 * §1.1.1.17); a region outside it is a 404. docs/leadership.md.
 */
export type MapQuery = z.output<typeof mapQuerySchema>;

/** A feature of a deployment's GeoJSON, as far as the map reads it. */
export interface GeoFeature {
  properties?: { code?: unknown };
}
export type RegionMap =
  | { source: 'deployment'; geojson: { type: 'FeatureCollection'; features: GeoFeature[] }; areas: MapArea[] }
  | { source: 'synthetic'; geojson: FeatureCollection; areas: MapArea[] };

/** The features of a GeoJSON FeatureCollection, or null when the text is not one. Pure. */
export function parseFeatures(text: string): GeoFeature[] | null {
  try {
    const fc = JSON.parse(text) as { type?: unknown; features?: unknown };
    return fc.type === 'FeatureCollection' && Array.isArray(fc.features) ? (fc.features as GeoFeature[]) : null;
  } catch {
    return null;
  }
}

/** The deployment's map, cut to the areas in scope (a feature is kept by its `code` property). Pure. */
export function deploymentMap(features: readonly GeoFeature[], areas: MapArea[]): RegionMap {
  const codes = new Set(areas.map((a) => a.code));
  return {
    source: 'deployment',
    geojson: { type: 'FeatureCollection', features: features.filter((f) => codes.has(String(f.properties?.code))) },
    areas,
  };
}

export async function loadRegionMap(deps: ReadModelDeps, user: StaffPrincipal, q: MapQuery): Promise<RegionMap> {
  const { config, logger } = deps;
  const level = await regionLevel(deps.db, hallScope(user), q.region ?? null);
  if (!level)
    throw new HallError(
      'HALL_ERR_NOT_FOUND',
      q.region ? `no region ${q.region} in your scope` : 'no halls in your scope',
    );
  const areas = level.children.map((c) => ({ code: c.id, name: c.name }));
  if (config.MAP_GEOJSON_DIR && level.region) {
    const file = path.join(config.MAP_GEOJSON_DIR, `${level.region.code}.geojson`);
    const text = await readFile(file, 'utf8').catch(() => null);
    const fc = text === null ? null : parseFeatures(text);
    if (fc) return deploymentMap(fc, areas);
    // A file that is there but unreadable as GeoJSON is the operator's to fix: say so, and draw the tiles meanwhile.
    if (text !== null)
      logger.warn({ file }, 'MAP_GEOJSON_DIR file is not a GeoJSON FeatureCollection; showing synthetic tiles');
  }
  return { source: 'synthetic', geojson: syntheticMap(areas), areas };
}
