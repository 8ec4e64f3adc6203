/**
 * A synthetic region map for the demo (docs/leadership.md "Supplying the region map": a region map
 * from a GeoJSON the deployment supplies, a synthetic one for the demo). The children of a
 * region become tiles of a grid inside a fixed box, so the leadership screen
 * can draw and click them like a real map. A deployment puts its own
 * GeoJSON files in MAP_GEOJSON_DIR (`{regionCode}.geojson`, each feature's
 * `properties.code` a child region code; docs/leadership.md).
 */
export interface MapArea {
  code: string;
  name: string;
}
export interface Feature {
  type: 'Feature';
  properties: { code: string; name: string };
  geometry: { type: 'Polygon'; coordinates: [number, number][][] };
}
export interface FeatureCollection {
  type: 'FeatureCollection';
  features: Feature[];
}

/** Longitude/latitude box the tiles fill (an arbitrary spot; only the shapes matter). */
const BOX = { west: 113.0, south: 22.0, east: 115.0, north: 23.6 };

export function syntheticMap(areas: readonly MapArea[]): FeatureCollection {
  const n = areas.length;
  if (n === 0) return { type: 'FeatureCollection', features: [] };
  const cols = Math.ceil(Math.sqrt(n));
  const rows = Math.ceil(n / cols);
  const w = (BOX.east - BOX.west) / cols;
  const h = (BOX.north - BOX.south) / rows;
  const gap = Math.min(w, h) * 0.04;
  const r6 = (x: number) => Math.round(x * 1e6) / 1e6;
  const features = areas.map((a, i): Feature => {
    const col = i % cols;
    const row = Math.floor(i / cols);
    // Alternate rows are shifted half a tile, and tiles are cut at one corner, so the result reads as a map, not a table.
    const shift = row % 2 === 1 ? w * 0.25 : 0;
    const x0 = r6(BOX.west + col * w + gap + shift);
    const x1 = r6(BOX.west + (col + 1) * w - gap + shift);
    const y1 = r6(BOX.north - row * h - gap);
    const y0 = r6(BOX.north - (row + 1) * h + gap);
    const cut = r6((x1 - x0) * 0.3);
    const ring: [number, number][] = [
      [x0, y0],
      [x1 - cut, y0],
      [x1, r6(y0 + cut)],
      [x1, y1],
      [x0, y1],
      [x0, y0],
    ];
    return {
      type: 'Feature',
      properties: { code: a.code, name: a.name },
      geometry: { type: 'Polygon', coordinates: [ring] },
    };
  });
  return { type: 'FeatureCollection', features };
}
